import { describe, expect, it } from 'vitest';
import { parseCalendarDateTime } from '../../functions/core/articles/dates.ts';
import { frontMatterSchema } from '../../functions/core/articles/frontmatter.ts';
import { loadArticles } from '../../functions/core/articles/load.ts';
import { formatProblem } from '../../functions/core/articles/types.ts';
import { articleText, contentFile, testSettings } from '../helpers/factories.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

function load(files: [string, string | Uint8Array][], settings = testSettings()) {
  return loadArticles(files.map(([p, t]) => contentFile(p, t)), settings, NOW);
}

describe('loading articles', () => {
  it('parses front matter, derives slug, summary, id and absolute URL', () => {
    const { articles, problems } = load([
      ['articles/first.md', articleText({ title: 'Héllo, World: Über & Co', author: 'Ann', tags: ['a', 'b'] }, 'The *first* paragraph, with [a link](other.html).\n\nSecond.\n')],
    ]);
    expect(problems).toEqual([]);
    const [a] = articles;
    expect(a).toMatchObject({
      slug: 'hello-world-uber-co',
      title: 'Héllo, World: Über & Co',
      author: 'Ann',
      tags: ['a', 'b'],
      summary: 'The first paragraph, with a link.',
      url: 'https://gazette.example.org/news/articles/hello-world-uber-co.html',
      id: 'tag:gazette.example.org,2024-11-20:first',
    });
    expect(a!.date.toISOString()).toBe('2024-11-20T00:00:00.000Z');
    expect(a!.html).toContain('<a href="https://gazette.example.org/news/articles/other.html">a link</a>');
  });

  it('keeps the id when the title, slug and body are edited', () => {
    const before = load([['articles/story.md', articleText({ title: 'Old headline' }, 'Old text.')]]).articles[0]!;
    const after = load([['articles/story.md', articleText({ title: 'New headline', slug: 'new-slug', updated: '2025-01-02T00:00:00Z' }, 'New text.')]]).articles[0]!;
    expect(after.id).toBe(before.id);
    expect(after.slug).not.toBe(before.slug);
    expect(after.updated.toISOString()).toBe('2025-01-02T00:00:00.000Z');
    expect(after.date.toISOString()).toBe(before.date.toISOString());
  });

  it('cuts a derived summary at a word near 300 characters', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const [a] = load([['articles/long.md', articleText({}, `${words}\n`)]]).articles;
    expect(a!.summary.length).toBeLessThanOrEqual(301);
    expect(a!.summary.length).toBeGreaterThan(250);
    expect(a!.summary.endsWith('…')).toBe(true);
    expect(words.startsWith(a!.summary.slice(0, -1))).toBe(true);
    expect(words.charAt(a!.summary.length - 1)).toBe(' ');
  });

  it('sorts newest first and never publishes drafts or future-dated articles, listing them as skipped', () => {
    const out = load([
      ['articles/old.md', articleText({ title: 'Old', date: '2024-01-01T00:00:00Z' })],
      ['articles/new.md', articleText({ title: 'New', date: '2025-06-01T00:00:00Z' })],
      ['articles/draft.md', articleText({ title: 'Draft', draft: true })],
      ['articles/future.md', articleText({ title: 'Future', date: '2030-01-01T00:00:00Z' })],
    ]);
    expect(out.articles.map((a) => a.title)).toEqual(['New', 'Old']);
    expect(out.skipped.map((s) => [s.file, s.reason])).toEqual([
      ['articles/draft.md', 'draft'],
      ['articles/future.md', 'scheduled'],
    ]);
  });

  it('ignores files outside articles/ and non-Markdown files', () => {
    const out = load([['publication.yaml', 'x: 1'], ['articles/image.png', 'PNG'], ['articles/a.md', articleText()]]);
    expect(out.articles).toHaveLength(1);
    expect(out.problems).toEqual([]);
  });
});

describe('bad input: each is reported as file:line and nothing else is lost', () => {
  const good: [string, string] = ['articles/zz-good.md', articleText({ title: 'Still here' })];

  it.each([
    ['malformed YAML', 'articles/bad-yaml.md', '---\ntitle: "unclosed\ndate: 2024-11-20T09:00:00Z\n---\nBody', /^articles\/bad-yaml\.md:\d+: invalid YAML in front matter/],
    ['missing title', 'articles/no-title.md', '---\ndate: 2024-11-20T09:00:00Z\n---\nBody', /^articles\/no-title\.md:1: title: is required/],
    ['empty title', 'articles/empty-title.md', '---\ndate: 2024-11-20T09:00:00Z\ntitle: "  "\n---\nBody', /^articles\/empty-title\.md:3: title: must not be empty/],
    ['a date like "last Tuesday"', 'articles/bad-date.md', '---\ntitle: T\ndate: last Tuesday\n---\nBody', /^articles\/bad-date\.md:3: date: "last Tuesday" is not an ISO 8601 date-time with an offset/],
    ['a date without offset', 'articles/no-offset.md', '---\ntitle: T\ndate: 2024-11-20T09:00:00\n---\nBody', /^articles\/no-offset\.md:3: date: .* with an offset/],
    ['no front matter', 'articles/plain.md', 'Just text', /^articles\/plain\.md:1: no front matter/],
    ['a bad slug', 'articles/slug.md', '---\ntitle: T\ndate: 2024-11-20T09:00:00Z\nslug: Not A Slug\n---\n', /^articles\/slug\.md:4: slug: must be lower-case/],
  ])('%s', (_name, path, text, message) => {
    const out = load([[path, text], good]);
    expect(out.problems).toHaveLength(1);
    expect(formatProblem(out.problems[0]!)).toMatch(message);
    expect(out.articles.map((a) => a.title)).toEqual(['Still here']);
  });

  it('two articles with one slug: the second is reported, naming the first', () => {
    const out = load([
      ['articles/a.md', articleText({ title: 'Same Title' })],
      ['articles/b.md', articleText({ title: 'Same title!' })],
      good,
    ]);
    expect(out.problems.map(formatProblem)).toEqual([
      'articles/b.md: duplicate slug "same-title" (already used by articles/a.md): set a different `slug:`',
    ]);
    expect(out.articles.map((a) => a.source).sort()).toEqual(['articles/a.md', 'articles/zz-good.md']);
  });

  it('a 5 MB article is reported with its size and the limit', () => {
    const big = articleText({ title: 'Huge' }, 'x'.repeat(5 * 1024 * 1024));
    const out = load([['articles/huge.md', big], good]);
    expect(formatProblem(out.problems[0]!)).toBe('articles/huge.md: article is 5.0 MB, over the 1.0 MB limit (maxArticleBytes in publication.yaml)');
    expect(out.articles).toHaveLength(1);
  });

  it('a 5 MB article is published when the limit allows it', () => {
    const big = articleText({ title: 'Huge' }, `${'word '.repeat(1024 * 1024)}\n`);
    const out = load([['articles/huge.md', big]], testSettings({ maxArticleBytes: 8 * 1024 * 1024 }));
    expect(out.problems).toEqual([]);
    expect(out.articles[0]!.summary.length).toBeLessThanOrEqual(301);
  });

  it('<script>, event handlers, javascript: URLs, iframes and style never survive', () => {
    const body = [
      'Text <script>alert("x")</script> more.',
      '',
      '<img src="pic.png" onerror="alert(1)" alt="pic"> <a href="javascript:alert(2)" onclick="x()">click</a>',
      '',
      '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style><p style="color:red">styled</p>',
      '',
      '[md link](javascript:alert(3))',
    ].join('\n');
    const [a] = load([['articles/xss.md', articleText({}, body)]]).articles;
    expect(a!.html).not.toMatch(/script|onerror|onclick|javascript:|iframe|<style|style=/i);
    expect(a!.html).toContain('<img src="https://gazette.example.org/news/articles/pic.png" alt="pic" />');
    expect(a!.html).toContain('styled');
  });

  it('"]]>" survives as text and control characters are removed with a warning naming the line', () => {
    const out = load([['articles/ctl.md', articleText({ title: 'Bell\u0007 and ]]> end' }, 'First ]]> para.\n\nBad \u0001\u001b char.\n')]]);
    const [a] = out.articles;
    expect(a!.title).toBe('Bell and ]]> end');
    expect(a!.html).toContain('First ]]&gt; para.');
    expect(a!.html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(out.warnings.map(formatProblem)).toEqual([
      'articles/ctl.md:8: removed 2 control characters that feeds cannot carry',
      'articles/ctl.md: title: removed control characters that feeds cannot carry',
    ]);
  });

  it('a non-UTF-8 file is reported with the line of the first bad byte', () => {
    const latin1 = Buffer.concat([Buffer.from('---\ntitle: Caf'), Buffer.from([0xe9]), Buffer.from('\ndate: 2024-11-20T09:00:00Z\n---\nBody\n')]);
    const out = load([['articles/latin1.md', latin1], good]);
    expect(out.problems.map(formatProblem)).toEqual(['articles/latin1.md:2: not valid UTF-8 text: save the file as UTF-8 and build again']);
    expect(out.articles).toHaveLength(1);
  });

  it('an empty content directory gives no articles and no problems', () => {
    expect(load([])).toEqual({ articles: [], problems: [], warnings: [], skipped: [] });
  });
});

describe('calendar dates', () => {
  it('turns an ISO 8601 date-time with an offset into its instant, for any year', () => {
    expect(parseCalendarDateTime('2024-02-29T23:30:00-02:30')).toEqual({ ok: true, date: new Date('2024-03-01T02:00:00.000Z') });
    expect(parseCalendarDateTime('0099-12-31T00:00:00.1234Z')).toMatchObject({ ok: true });
    const early = parseCalendarDateTime('0099-12-31T00:00:00.1234Z');
    expect(early.ok && early.date.toISOString()).toBe('0099-12-31T00:00:00.123Z');
  });

  it.each([
    ['2024-02-30T09:00:00Z', '"2024-02-30T09:00:00Z" is not a real date: February 2024 has 29 days'],
    ['2100-02-29T09:00:00Z', '"2100-02-29T09:00:00Z" is not a real date: February 2100 has 28 days'],
    ['2024-06-31T09:00:00+01:00', '"2024-06-31T09:00:00+01:00" is not a real date: June 2024 has 30 days'],
    ['2024-06-30T24:00:00Z', '"2024-06-30T24:00:00Z" is not a real time: hours run from 00 to 23 (write 00:00 of the next day)'],
    ['2024-06-30T10:00:00+2400', '"2024-06-30T10:00:00+2400" has no real offset: it must lie between -23:59 and +23:59'],
    ['tomorrow', '"tomorrow" is not an ISO 8601 date-time with an offset, e.g. 2024-11-20T09:00:00+09:00'],
  ])('refuses %s', (text, message) => {
    expect(parseCalendarDateTime(text)).toEqual({ ok: false, message });
  });

  it('the front-matter schema (also behind `import --date`) names the field', () => {
    const check = frontMatterSchema.safeParse({ title: 'T', date: '2023-02-29T09:00:00Z' });
    expect(check.success).toBe(false);
    const issue = check.error!.issues[0]!;
    expect(`--${issue.path.join('.')}: ${issue.message}`).toBe('--date: "2023-02-29T09:00:00Z" is not a real date: February 2023 has 28 days');
  });
});
