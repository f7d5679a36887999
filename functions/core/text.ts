// Plain-text helpers that need none of the HTML machinery (pages and feeds use them on the calling thread).

/** Cuts plain text to at most `max` characters at a word boundary, adding an ellipsis when cut. */
export function truncateAtWord(text: string, max = 300): string {
  if (text.length <= max) return text;
  // Never half of a surrogate pair: feeds and mail cannot carry one.
  const cut = text.slice(0, /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max);
  const lastSpace = cut.lastIndexOf(' ');
  const base = lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut;
  return `${base.replace(/[\s,;:.\-–—]+$/u, '')}…`;
}
