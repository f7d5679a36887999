import { stringify } from 'yaml';
import { slugify } from './articles/slug.ts';

export interface ImportOptions {
  title: string;
  /** ISO 8601 with offset. */
  date: string;
  author?: string | undefined;
  slug?: string | undefined;
}

export interface ImportResult {
  slug: string;
  /** The content file: YAML front matter and Markdown body. */
  markdown: string;
  paragraphs: number;
  headings: number;
  /** Lines of page chrome that were dropped, as they were. */
  removed: string[];
}

// Standalone lines that are page furniture, not article text.
const CHROME = [
  /^\d+\s+comments?$/i,
  /^(no|view|show|load|leave a|add a|post a)\s+comments?$/i,
  /^comments?(\s*\(\d+\))?$/i,
  /^share( this)?( article| story| post| page)?( on .+)?:?$/i,
  /^(tweet|email|e-mail|print|facebook|twitter|linkedin|whatsapp|copy link|reddit)$/i,
  /^(related|related articles|related stories|read more|more stories|recommended|advertisement|subscribe|sign up)$/i,
  /^(back to top|top)$/i,
];

const isChrome = (line: string) => CHROME.some((pattern) => pattern.test(line.trim()));

const SENTENCE_END = /[.!?:;,…"”’'»)\]]$/u;

/** A short standalone line that reads as a subheading rather than a sentence. */
function looksLikeHeading(line: string): boolean {
  const text = line.trim();
  const words = text.split(/\s+/).length;
  return (
    text.length >= 3 &&
    text.length <= 80 &&
    words <= 12 &&
    /^\p{Lu}|^\d/u.test(text) &&
    !SENTENCE_END.test(text) &&
    !/^[“"‘'«(\-–—*•]/u.test(text) &&
    !/^by\s/i.test(text) &&
    /\p{L}/u.test(text)
  );
}

/** Backslash-escapes what Markdown would read as syntax, so plain text stays plain text. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(\s|$)/, '$1\\$2$3');
}

/** Groups lines into blocks: a blank line ends a block; a hard-wrapped paragraph's lines join. */
function blocks(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.split(/\n\s*\n/)) {
    const lines = chunk.split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) continue;
    // Hard-wrapped: every line but the last is of a wrapped length, and most break mid-sentence.
    const inner = lines.slice(0, -1);
    const wrapped =
      inner.length > 0 &&
      inner.every((l) => l.length >= 30 && l.length <= 100) &&
      inner.filter((l) => !/[.!?"”’]$/u.test(l)).length * 2 >= inner.length;
    if (wrapped) out.push(lines.join(' '));
    else out.push(...lines);
  }
  return out;
}

/**
 * Turns a plain-text article as a newsroom hands it over into a content file: paragraphs kept, short
 * standalone lines that read as subheadings become `##` headings, trailing and leading page chrome
 * ("0 Comments", "Share this") removed, typographic quotes and dashes kept as they are.
 */
export function importPlainText(text: string, options: ImportOptions): ImportResult {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
  const lines = blocks(normalised);
  const leading: string[] = [];
  const trailing: string[] = [];
  while (lines.length > 0 && isChrome(lines[lines.length - 1]!)) trailing.unshift(lines.pop()!);
  while (lines.length > 0 && isChrome(lines[0]!)) leading.push(lines.shift()!);
  const removed = [...leading, ...trailing];
  if (lines.length === 0) throw new Error('the text has no article paragraphs');

  let paragraphs = 0;
  let headings = 0;
  const body: string[] = [];
  lines.forEach((line, i) => {
    const next = lines[i + 1];
    const isHeading = i > 0 && next !== undefined && looksLikeHeading(line) && !looksLikeHeading(next);
    if (isHeading) {
      headings++;
      body.push(`## ${escapeMarkdown(line)}`);
    } else {
      paragraphs++;
      body.push(escapeMarkdown(line));
    }
  });

  const slug = options.slug ?? slugify(options.title);
  if (!slug) throw new Error('cannot derive a slug from the title: pass --slug');
  const front: Record<string, unknown> = { title: options.title, date: options.date, slug };
  if (options.author) front.author = options.author;
  const markdown = `---\n${stringify(front, { lineWidth: 0 })}---\n\n${body.join('\n\n')}\n`;
  return { slug, markdown, paragraphs, headings, removed };
}
