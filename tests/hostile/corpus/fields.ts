// Hostile URLs, summaries, tags, ids, characters, dates and files (see articles.ts for the shape).
import { DATE, expectEqual, expectMatch, expectNoMatch, file, raw, type HostileArticle } from './articles.ts';

const NOT_SAFE_URL = /javascript:|vbscript:|data:|\son[a-z]+=/i;

function urlCases(): HostileArticle[] {
  const body = (name: string, text: string, check: HostileArticle['published']): HostileArticle => ({
    name,
    file: file(`url-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`, raw(`title: "URL ${name}"\ndate: ${DATE}`, `${text}\n`)),
    published: check,
  });
  const lead = (name: string, image: string, expected: string | undefined): HostileArticle => ({
    name: `lead image ${name}`,
    file: file(`lead-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`, raw(`title: "Lead ${name}"\ndate: ${DATE}\nimage: ${JSON.stringify(image)}`)),
    ...(expected ? {} : { warnings: [/:4: image: .* is not an http\(s\) URL; the article is published without its lead image$/] }),
    published: (a) => expectEqual(a.image, expected),
  });
  return [
    body('javascript link', '[click](javascript:alert(1)) and [mixed](JaVaScRiPt:alert(2))', (a) => {
      expectNoMatch(a.html, NOT_SAFE_URL);
      expectMatch(a.html, /<a>click<\/a>/);
    }),
    body('entity-encoded javascript in raw HTML', '<a href="&#x6A;avascript&#58;alert(1)">x</a> <a href="java&#9;script:alert(1)">y</a>', (a) => expectNoMatch(a.html, NOT_SAFE_URL)),
    body('vbscript and data links', '<a href="vbscript:msgbox(1)">v</a> [d](data:text/html,<script>alert(1)</script>)', (a) => expectNoMatch(a.html, NOT_SAFE_URL)),
    body('data and javascript images', '![svg](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=) <img src="javascript:alert(1)"> <img src=x onerror=alert(1)>', (a) => {
      expectNoMatch(a.html, NOT_SAFE_URL);
      expectEqual(a.html.split('<img').length - 1, 1);
      expectMatch(a.html, /<img src="https:\/\/gazette\.example\.org\/news\/articles\/x" alt="" \/>/);
    }),
    body('protocol-relative link and image', '[elsewhere](//evil.example/path) ![pic](//cdn.example/p.png)', (a) => {
      expectMatch(a.html, /href="https:\/\/evil\.example\/path"/);
      expectMatch(a.html, /src="https:\/\/cdn\.example\/p\.png"/);
    }),
    body('mailto and tel links', '[mail](mailto:desk@example.org) [call](tel:+441234)', (a) => {
      expectMatch(a.html, /href="mailto:desk@example\.org"/);
      expectMatch(a.html, /<a>call<\/a>/);
    }),
    body('svg, math, iframe, script, style, form', '<svg onload=alert(1)><circle/></svg><math><mi>x</mi></math><iframe src="https://x.example/"></iframe><script>alert(1)</script><style>*{}</style><form action="https://x.example/"><input name=a></form> end', (a) => {
      expectNoMatch(a.html, /<(svg|math|iframe|script|style|form|input)\b/i);
      expectMatch(a.html, /end/);
    }),
    body('a quote inside a link destination', '[x](<https://a.example/"onmouseover="alert(1)>)', (a) => {
      expectNoMatch(a.html, /onmouseover="/);
      expectMatch(a.html, /href="https:\/\/a\.example\/%22onmouseover=%22alert\(1\)"/);
    }),
    lead('javascript:', 'javascript:alert(1)', undefined),
    lead('data:text/html', 'data:text/html,<script>alert(1)</script>', undefined),
    lead('vbscript:', 'vbscript:msgbox(1)', undefined),
    lead('not a URL', 'http://[::1', undefined),
    lead('protocol-relative', '//cdn.example/lead.jpg', 'https://cdn.example/lead.jpg'),
    lead('relative', '../img/lead.jpg', 'https://gazette.example.org/news/img/lead.jpg'),
  ];
}

function textCases(): HostileArticle[] {
  return [
    {
      name: 'a first paragraph that is code showing HTML',
      file: file('code-first', raw(`title: Code\ndate: ${DATE}`, 'Write `<script>alert(1)</script>` and `<b>` to see it.\n\nMore.\n')),
      published: (a) => expectEqual(a.summary, 'Write <script>alert(1)</script> and <b> to see it.'),
    },
    {
      name: 'a summary with markup',
      file: file('summary-markup', raw(`title: Summary\ndate: ${DATE}\nsummary: "<b>Bold</b> <img src=x onerror=alert(1)> & <script>alert(2)</script>"`)),
      published: (a) => expectEqual(a.summary, '<b>Bold</b> <img src=x onerror=alert(1)> & <script>alert(2)</script>'),
    },
    {
      name: 'a first paragraph in raw HTML with handlers',
      file: file('raw-first', raw(`title: Raw\ndate: ${DATE}`, '<p onclick="alert(1)" style="x">Hello <i>there</i></p>\n')),
      published: (a) => {
        expectEqual(a.html.trim(), '<p>Hello <i>there</i></p>');
        expectEqual(a.summary, 'Hello there');
      },
    },
    {
      name: 'tags with <, &, quotes and apostrophes',
      file: file('tags', raw(`title: Tags\ndate: ${DATE}\ntags: ["a<b", "Q&A", "say \\"hi\\"", "it's", "]]>"]`)),
      published: (a) => expectEqual(JSON.stringify(a.tags), JSON.stringify(['a<b', 'Q&A', 'say "hi"', "it's", ']]>'])),
    },
    {
      name: 'an author with markup',
      file: file('author', raw(`title: Author\ndate: ${DATE}\nauthor: "<b>Eve</b> & \\"Co\\""`)),
      published: (a) => expectEqual(a.author, '<b>Eve</b> & "Co"'),
    },
    {
      name: 'NUL and control characters in title and body',
      file: file('controls', raw(`title: "Bell\\u0007 NUL\\0 end"\ndate: ${DATE}`, 'Text \u0000 with \u001b[31m escapes \uFFFE and \uFFFF.\n')),
      warnings: [/^articles\/controls\.md:5: removed 4 control characters that feeds cannot carry$/, /^articles\/controls\.md: title: removed control characters that feeds cannot carry$/],
      published: (a) => {
        expectEqual(a.title, 'Bell NUL end');
        expectNoMatch(a.html, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
      },
    },
    {
      name: 'bidi overrides in title and tags',
      file: file('bidi', raw(`title: "Invoice \u202Efdp.exe\u202C today"\ndate: ${DATE}\ntags: ["\u2066x\u2069"]`)),
      warnings: [/^articles\/bidi\.md:2: title: removed bidirectional override characters$/, /^articles\/bidi\.md:4: tags: removed bidirectional override characters$/],
      published: (a) => {
        expectEqual(a.title, 'Invoice fdp.exe today');
        expectEqual(a.tags[0], 'x');
      },
    },
    {
      name: 'zero-width characters inside a title are kept',
      file: file('zero-width', raw(`title: "Zero\u200Bwidth \u200D joiner \u200E mark \u{1F468}\u200D\u{1F469}"\ndate: ${DATE}`)),
      published: (a) => expectEqual(a.title, 'Zero\u200Bwidth \u200D joiner \u200E mark \u{1F468}\u200D\u{1F469}'),
    },
    { name: 'a title of zero-width characters only', file: file('invisible', raw(`title: "\u200B\u200B\u2060"\ndate: ${DATE}`)), problem: /^articles\/invisible\.md:2: title: must contain visible text$/ },
    {
      name: 'a summary cut inside emoji',
      file: file('emoji', raw(`title: Emoji\ndate: ${DATE}`, `${'\u{1F600}'.repeat(400)}\n`)),
      published: (a) => expectNoMatch(a.summary, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/),
    },
  ];
}

function idCases(): HostileArticle[] {
  const bad = (name: string, id: string, message: RegExp): HostileArticle => ({
    name: `id: ${name}`,
    file: file(`id-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`, raw(`title: "Id ${name}"\ndate: ${DATE}\nid: ${JSON.stringify(id)}`)),
    problem: message,
  });
  const good = (name: string, id: string): HostileArticle => ({
    name: `id: ${name}`,
    file: file(`id-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`, raw(`title: "Id ${name}"\ndate: ${DATE}\nid: ${JSON.stringify(id)}`)),
    published: (a) => expectEqual(a.id, id),
  });
  return [
    bad('not a URL', 'not a url', /:4: id: "not a url" is neither a tag URI/),
    bad('tag URI without a date', 'tag:example.com:post', /:4: id: "tag:example\.com:post" is not a valid tag URI \(RFC 4151\)/),
    bad('tag URI with month 13', 'tag:example.com,2024-13-01:post', /:4: id: .* its date is not a real date \(month 13 does not exist\)/),
    bad('tag URI on 30 February', 'tag:example.com,2024-02-30:post', /:4: id: .*February 2024 has 29 days/),
    bad('tag URI with a space in the authority', 'tag:exa mple.com,2024:post', /:4: id: .* is not a valid tag URI/),
    bad('tag URI with a space in the name', 'tag:example.com,2024:my post', /:4: id: .* is not a valid tag URI/),
    bad('tag URI with a two-digit year', 'tag:example.com,24-01-01:post', /:4: id: .* is not a valid tag URI/),
    bad('javascript:', 'javascript:alert(1)', /:4: id: "javascript:alert\(1\)" is neither a tag URI/),
    bad('urn', 'urn:isbn:0451450523', /:4: id: .* is neither a tag URI/),
    bad('URL with a space', 'https://example.com/a b', /:4: id: .* has characters a URL cannot carry/),
    bad('URL with <', 'https://example.com/a<b', /:4: id: .* has characters a URL cannot carry/),
    good('http URL', 'https://gazette.example.org/posts/1'),
    good('tag URI with an e-mail authority', 'tag:jane@example.com,2024:post-1'),
    good('tag URI with a year only and a fragment', 'tag:example.com,2024:post/1?x=y#part'),
  ];
}

function dateCases(): HostileArticle[] {
  const dated = (name: string, field: string, value: string, problem?: RegExp): HostileArticle => ({
    name: `${field}: ${name}`,
    file: file(`date-${field}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`, raw(`title: "Date ${name}"\ndate: ${field === 'date' ? value : DATE}${field === 'updated' ? `\nupdated: ${value}` : ''}`)),
    ...(problem ? { problem } : { published: () => undefined }),
  });
  return [
    dated('30 February', 'date', '2024-02-30T09:00:00Z', /:3: date: "2024-02-30T09:00:00Z" is not a real date: February 2024 has 29 days$/),
    dated('29 February 2023', 'date', '2023-02-29T09:00:00Z', /:3: date: .* February 2023 has 28 days$/),
    dated('29 February 2024 (a leap year)', 'date', '2024-02-29T09:00:00Z'),
    dated('31 April', 'date', '2024-04-31T09:00:00+02:00', /:3: date: .* April 2024 has 30 days$/),
    dated('month 13', 'date', '2024-13-01T09:00:00Z', /:3: date: .* month 13 does not exist$/),
    dated('day 00', 'date', '2024-01-00T09:00:00Z', /:3: date: .* January 2024 has 31 days$/),
    dated('24:00', 'date', '2024-02-10T24:00:00Z', /:3: date: .* hours run from 00 to 23/),
    dated('minute 60', 'date', '2024-02-10T10:60:00Z', /:3: date: .* minutes run from 00 to 59/),
    dated('a leap second', 'date', '2016-12-31T23:59:60Z', /:3: date: .* seconds run from 00 to 59/),
    dated('offset +24:00', 'date', '2024-02-10T10:00:00+24:00', /:3: date: .* has no real offset/),
    dated('no offset', 'date', '2024-02-10T10:00:00', /:3: date: .* is not an ISO 8601 date-time with an offset/),
    dated('30 February in updated', 'updated', '2024-02-30T09:00:00Z', /:4: updated: "2024-02-30T09:00:00Z" is not a real date/),
  ];
}

function fileCases(): HostileArticle[] {
  const bytes = (text: string) => new TextEncoder().encode(text);
  return [
    { name: 'a file the source could not read', file: file('unreadable', new Uint8Array(), 'a symbolic link that leaves the content directory: left out'), problem: /^articles\/unreadable\.md: a symbolic link that leaves the content directory: left out$/ },
    { name: 'an empty file', file: file('empty', ''), problem: /^articles\/empty\.md:1: no front matter/ },
    { name: 'Windows-1252 bytes', file: file('cp1252', Uint8Array.from([...bytes(`---\ntitle: Caf`), 0xe9, ...bytes(`\ndate: ${DATE}\n---\nBody\n`)])), problem: /^articles\/cp1252\.md:2: not valid UTF-8 text/ },
    { name: 'an overlong UTF-8 encoding of /', file: file('overlong', Uint8Array.from([...bytes(`---\ntitle: x\ndate: ${DATE}\n---\n`), 0xc0, 0xaf])), problem: /^articles\/overlong\.md:5: not valid UTF-8 text/ },
    {
      name: 'a byte-order mark and CRLF line ends',
      file: file('crlf', `\uFEFF---\r\ntitle: Windows\r\ndate: ${DATE}\r\n---\r\nLine one.\r\n\r\nLine two.\r\n`),
      published: (a) => expectEqual(a.summary, 'Line one.'),
    },
  ];
}

export { urlCases, textCases, idCases, dateCases, fileCases };
