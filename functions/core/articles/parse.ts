import type { Settings } from '../settings.ts';
import { articleId, articleUrl } from '../urls.ts';
import { parseFrontMatter } from './frontmatter.ts';
import { htmlToPlainText, markdownToHtml, sanitizeArticleHtml, truncateAtWord } from './html.ts';
import { slugify } from './slug.ts';
import type { Article, ContentFile, ContentProblem } from './types.ts';
import { Lexer } from 'marked';

export type ParseResult =
  | { ok: true; article: Article; warnings: ContentProblem[] }
  | { ok: false; problem: ContentProblem };

// C0 controls other than tab, LF and CR, DEL, and the noncharacters XML 1.0 forbids.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;

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

function firstParagraphText(markdown: string): string {
  for (const token of Lexer.lex(markdown)) {
    if (token.type === 'paragraph') {
      const text = htmlToPlainText(markdownToHtml(token.raw));
      if (text) return text;
    }
  }
  return '';
}

/** Turns one content file (Markdown with YAML front matter) into an Article, or names what is wrong with it. */
export function parseArticle(file: ContentFile, settings: Settings): ParseResult {
  const fail = (line: number | undefined, message: string): ParseResult => ({
    ok: false,
    problem: { file: file.path, line, message },
  });
  if (file.bytes.length > settings.maxArticleBytes) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    return fail(undefined, `article is ${mb(file.bytes.length)}, over the ${mb(settings.maxArticleBytes)} limit (maxArticleBytes in ${'publication.yaml'})`);
  }
  const decoded = decodeUtf8(file);
  if (!decoded.ok) return decoded;
  const warnings: ContentProblem[] = [];
  let text = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const control = CONTROL.exec(text);
  CONTROL.lastIndex = 0;
  if (control) {
    const count = text.match(CONTROL)?.length ?? 0;
    warnings.push({
      file: file.path,
      line: lineAt(text, control.index),
      message: `removed ${count} control character${count === 1 ? '' : 's'} that feeds cannot carry`,
    });
    text = text.replace(CONTROL, '');
  }

  const front = parseFrontMatter(text);
  if (!front.ok) return fail(front.line, front.message);
  const fm = front.data;
  const clean = (field: string, value: string): string => {
    const cleaned = value.replace(CONTROL, '');
    if (cleaned !== value) warnings.push({ file: file.path, line: undefined, message: `${field}: removed control characters that feeds cannot carry` });
    return cleaned;
  };
  fm.title = clean('title', fm.title);
  if (fm.summary) fm.summary = clean('summary', fm.summary);
  if (fm.author) fm.author = clean('author', fm.author);
  fm.tags = fm.tags.map((tag) => clean('tags', tag));
  const stem = file.path.replace(/^articles\//, '').replace(/\.(md|markdown)$/i, '');
  const slug = fm.slug ?? (slugify(fm.title) || slugify(stem));
  if (!slug) return fail(2, 'cannot derive a slug from the title or file name: add `slug: some-words`');
  const url = articleUrl(settings.siteUrl, slug);
  const html = sanitizeArticleHtml(markdownToHtml(front.body), url);
  const summary = truncateAtWord(fm.summary ?? (firstParagraphText(front.body) || htmlToPlainText(html)), 300);
  let image: string | undefined;
  if (fm.image) {
    try {
      image = new URL(fm.image, url).toString();
    } catch {
      return fail(undefined, `image: ${JSON.stringify(fm.image)} is not a URL`);
    }
  }
  if (fm.updated && fm.updated < fm.date) {
    warnings.push({ file: file.path, line: undefined, message: 'updated is earlier than date; using date' });
  }
  const updated = fm.updated && fm.updated > fm.date ? fm.updated : fm.date;
  return {
    ok: true,
    warnings,
    article: {
      id: fm.id ?? articleId(settings.siteUrl, fm.date, stem),
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
