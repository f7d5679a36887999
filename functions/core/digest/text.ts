import { convert } from 'html-to-text';

/** Plain-text helpers for the text part: wrapped at 72 columns, links written out. */
export const TEXT_WIDTH = 72;

/** Wraps plain text at `width` columns, keeping paragraphs; a word longer than a line stays whole. */
export function wrap(text: string, width = TEXT_WIDTH, indent = ''): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        if (line && indent.length + line.length + 1 + word.length > width) {
          lines.push(indent + line);
          line = word;
        } else {
          line = line ? `${line} ${word}` : word;
        }
      }
      if (line) lines.push(indent + line);
      return lines.join('\n');
    })
    .join('\n\n');
}

/** Sanitised article HTML as readable text: headings, lists and paragraphs kept, links as `text [url]`. */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: TEXT_WIDTH,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  }).trim();
}
