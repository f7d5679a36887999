import type { Settings } from '../settings.ts';
import { articleId, articleUrl } from '../urls.ts';
import { parseFrontMatter } from './frontmatter.ts';
import { firstParagraphText, headOfHtml, htmlToPlainText, publishableUrl, sanitizeArticleHtml, truncateAtWord } from './html.ts';
import { entryIdProblem } from './ids.ts';
import { markdownToHtml } from './markdown.ts';
import { MAX_NESTING, nestsDeeperThan } from './nesting.ts';
import { slugify } from './slug.ts';
import type { Article, ContentFile, ContentProblem } from './types.ts';

export type ParseResult =
  | { ok: true; article: Article; warnings: ContentProblem[] }
  | { ok: false; problem: ContentProblem };

// C0 controls other than tab, LF and CR, DEL, and the noncharacters XML 1.0 forbids.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;
// Bidirectional embeddings, overrides and isolates: in a plain-text field they can make a title or
// a tag read as something else (and reach mail subjects); marks such as U+200E stay.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g;

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function decodeUtf8(file: ContentFile): { ok: true; text: string } | { ok: false; problem: ContentProblem } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return { ok: true, text: decoder.decode(file.bytes) };
  } catch {
    // Name the first line that is not UTF-8 (a newline byte never occurs inside a UTF-8 sequence).
    let line = 1;
    let start = 0;
    for (let i = 0; i <= file.bytes.length; i++) {
      if (i === file.bytes.length || file.bytes[i] === 10) {
        try {
          decoder.decode(file.bytes.subarray(start, i));
        } catch {
          break;
        }
        line++;
        start = i + 1;
      }
    }
    return {
      ok: false,
      problem: { file: file.path, line, message: 'not valid UTF-8 text: save the file as UTF-8 and build again' },
    };
  }
}

/**
 * The first line of `body` at which its HTML nests too deeply: doubling prefixes, then halving, so
 * only a refused article pays for the search (a few renders of at most twice the prefix).
 */
function lineWhereNestingExceeds(body: string): number {
  const lines = body.split('\n');
  const over = (count: number) => nestsDeeperThan(markdownToHtml(lines.slice(0, count).join('\n')));
  let high = 1;
  while (high < lines.length && !over(high)) high *= 2;
  high = Math.min(high, lines.length);
  let low = Math.floor(high / 2);
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (over(middle)) high = middle;
    else low = middle;
  }
  return high;
}

/** Turns one content file (Markdown with YAML front matter) into an Article, or names what is wrong with it. */
export function parseArticle(file: ContentFile, settings: Settings): ParseResult {
  const fail = (line: number | undefined, message: string): ParseResult => ({
    ok: false,
    problem: { file: file.path, line, message },
  });
  if (file.unreadable !== undefined) return fail(undefined, file.unreadable);
  if (file.bytes.length > settings.maxArticleBytes) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    return fail(undefined, `article is ${mb(file.bytes.length)}, over the ${mb(settings.maxArticleBytes)} limit (maxArticleBytes in ${'publication.yaml'})`);
  }
  const decoded = decodeUtf8(file);
  if (!decoded.ok) return decoded;
  const warnings: ContentProblem[] = [];
  const warn = (line: number | undefined, message: string) => warnings.push({ file: file.path, line, message });
  let text = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const control = CONTROL.exec(text);
  CONTROL.lastIndex = 0;
  if (control) {
    const count = text.match(CONTROL)?.length ?? 0;
    warn(lineAt(text, control.index), `removed ${count} control character${count === 1 ? '' : 's'} that feeds cannot carry`);
    text = text.replace(CONTROL, '');
  }

  const front = parseFrontMatter(text);
  if (!front.ok) return fail(front.line, front.message);
  const fm = front.data;
  const clean = (field: string, value: string): string => {
    const cleaned = value.replace(CONTROL, '');
    if (cleaned !== value) warn(undefined, `${field}: removed control characters that feeds cannot carry`);
    const plain = cleaned.replace(BIDI_CONTROL, '');
    if (plain !== cleaned) warn(front.lineOfKey(field), `${field}: removed bidirectional override characters`);
    return plain;
  };
  fm.title = clean('title', fm.title);
  if (fm.summary) fm.summary = clean('summary', fm.summary);
  if (fm.author) fm.author = clean('author', fm.author);
  fm.tags = fm.tags.map((tag) => clean('tags', tag));
  const stem = file.path.replace(/^articles\//, '').replace(/\.(md|markdown)$/i, '');
  const slug = fm.slug ?? (slugify(fm.title) || slugify(stem));
  if (!slug) return fail(2, 'cannot derive a slug from the title or file name: add `slug: some-words`');
  const url = articleUrl(settings.siteUrl, slug);

  let rendered: string;
  try {
    rendered = markdownToHtml(front.body);
  } catch (error) {
    return fail(front.bodyLine, `the Markdown could not be rendered (${error instanceof Error ? error.message : String(error)})`);
  }
  if (nestsDeeperThan(rendered)) {
    const line = front.bodyLine + lineWhereNestingExceeds(front.body) - 1;
    return fail(line, `nests deeper than ${MAX_NESTING} levels (blockquotes, lists, emphasis or HTML elements inside one another): flatten it`);
  }
  const html = sanitizeArticleHtml(rendered, url);
  // Plain text from the same rendering; a body without paragraphs gives the text of its start.
  const derived = firstParagraphText(html) || htmlToPlainText(headOfHtml(html, 32 * 1024));
  const summary = truncateAtWord(fm.summary ?? derived, 300);

  const image = publishableUrl(fm.image, url, 'image');
  if (fm.image && !image) {
    warn(front.lineOfKey('image'), `image: ${JSON.stringify(fm.image.slice(0, 80))} is not an http(s) URL; the article is published without its lead image`);
  }
  if (fm.updated && fm.updated < fm.date) warn(front.lineOfKey('updated'), 'updated is earlier than date; using date');
  const updated = fm.updated && fm.updated > fm.date ? fm.updated : fm.date;
  const id = fm.id ?? articleId(settings.siteUrl, fm.date, stem);
  const idProblem = fm.id ? undefined : entryIdProblem(id);
  if (idProblem) return fail(undefined, `the id made from the site's host and the file name, ${idProblem}: set \`id:\` to a tag URI`);
  return {
    ok: true,
    warnings,
    article: {
      id,
      slug,
      title: fm.title.replace(/\s+/g, ' '),
      date: fm.date,
      updated,
      author: fm.author,
      summary,
      tags: fm.tags,
      image,
      html,
      url,
      source: file.path,
      draft: fm.draft,
    },
  };
}
