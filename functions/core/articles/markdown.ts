import { init, mdToHtml, ParseFlags } from 'md4w';

/*
 * The engine is md4c (compiled to WebAssembly by md4w), chosen by measurement (tests/bench/markdown.ts):
 * on adversarial inputs it renders 1 MiB in a fraction of a second, where marked takes hours
 * (quadratic), markdown-it several seconds and micromark or commonmark.js tens of seconds on some
 * patterns. The WebAssembly module (60 KB) is compiled once, when this module is first imported;
 * a bundle must carry `md4w-small.wasm` beside its entry file.
 */
await init('small');

/** GitHub Flavored Markdown as far as md4c offers it: tables, strikethrough, task lists, bare URLs, `www.` links and e-mail addresses. */
const FLAGS =
  ParseFlags.TABLES |
  ParseFlags.STRIKETHROUGH |
  ParseFlags.TASKLISTS |
  ParseFlags.PERMISSIVE_URL_AUTO_LINKS |
  ParseFlags.PERMISSIVE_WWW_AUTO_LINKS |
  ParseFlags.PERMISSIVE_EMAIL_AUTO_LINKS;

// md4w gives every heading an empty self-link, always in this one form; the site has no use for it.
const HEADING_ANCHOR = / ?<a class="anchor" aria-hidden="true" id="[^"<>]*" href="#[^"<>]*"><\/a>(?=<\/h[1-6]>)/g;

/** Markdown to (unsanitised) HTML, in time linear in the input's size. */
export function markdownToHtml(markdown: string): string {
  // md4w cannot take an empty input.
  if (markdown.length === 0) return '';
  return mdToHtml(markdown, { parseFlags: FLAGS }).replace(HEADING_ANCHOR, '');
}
