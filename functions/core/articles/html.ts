import sanitize from 'sanitize-html';
import { decodeHTML } from 'entities';
import { MAX_NESTING } from './nesting.ts';

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 's',
  'del', 'ins', 'sub', 'sup', 'small', 'mark', 'abbr', 'cite', 'q', 'kbd', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a',
  'img', 'figure', 'figcaption', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
];

/** Where a URL is used: links may also be `mailto:`, images only http(s). */
export type UrlUse = 'link' | 'image';

const SCHEMES: Record<UrlUse, readonly string[]> = { link: ['http:', 'https:', 'mailto:'], image: ['http:', 'https:'] };

/**
 * The one URL policy of every output (pages, feeds, digest): `value` made absolute against `base`,
 * kept only when it is http(s) (or `mailto:` for a link). Protocol-relative URLs take the base's
 * scheme; `javascript:`, `data:`, `vbscript:` and anything else give undefined.
 */
export function publishableUrl(value: string | undefined, base: string, use: UrlUse): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim(), base);
  } catch {
    return undefined;
  }
  if (!SCHEMES[use].includes(url.protocol)) return undefined;
  if (url.protocol !== 'mailto:' && !url.hostname) return undefined;
  return url.href;
}

/**
 * Sanitises article HTML (no script, style, iframes, event handlers or URLs outside the policy above)
 * and makes every link and image URL absolute against `baseUrl`. `h1` becomes `h2`: the page title
 * is the only `h1`. Elements nested deeper than MAX_NESTING are dropped (their text is kept); callers
 * refuse such articles before this runs (see nestsDeeperThan).
 */
export function sanitizeArticleHtml(html: string, baseUrl: string): string {
  return sanitize(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      abbr: ['title'],
      th: ['scope', 'colspan', 'rowspan'],
      td: ['colspan', 'rowspan'],
      ol: ['start'],
      code: ['class'],
    },
    allowedClasses: { code: [/^language-[\w-]+$/] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nestingLimit: MAX_NESTING,
    transformTags: {
      h1: 'h2',
      a: (tagName, attribs) => {
        const href = publishableUrl(attribs.href, baseUrl, 'link');
        const out: Record<string, string> = { ...attribs };
        if (href) out.href = href;
        else delete out.href;
        return { tagName, attribs: out };
      },
      img: (tagName, attribs) => {
        const src = publishableUrl(attribs.src, baseUrl, 'image');
        const out: Record<string, string> = { ...attribs, alt: attribs.alt ?? '' };
        if (src) out.src = src;
        else delete out.src;
        return { tagName, attribs: out };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  });
}

/**
 * The visible text of HTML that sanitizeArticleHtml wrote, entities decoded, whitespace collapsed. In
 * such HTML `<` only opens a tag and no tag holds `>`, so dropping the tags leaves the text (a second
 * sanitiser pass did the same at ten times the cost).
 */
export function htmlToPlainText(sanitized: string): string {
  return decodeHTML(sanitized.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
}

/**
 * The first `limit` characters of sanitised HTML, never ending inside a tag or an entity (in such HTML
 * `<` only opens a tag and `&` only opens an entity): enough for a summary without reading megabytes.
 */
export function headOfHtml(sanitized: string, limit: number): string {
  if (sanitized.length <= limit) return sanitized;
  let cut = sanitized.slice(0, limit);
  const lt = cut.lastIndexOf('<');
  if (lt > cut.lastIndexOf('>')) cut = cut.slice(0, lt);
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';')) cut = cut.slice(0, amp);
  return cut;
}

const SUMMARY_HTML = 32 * 1024;
const VOID_TAGS = new Set(['br', 'hr', 'img']);
const TAG = /<(\/?)([a-z][a-z0-9]*)\b[^>]*>/g;

/**
 * The text of the first top-level paragraph that has any, from HTML that sanitizeArticleHtml wrote
 * (well nested, no `>` inside a tag); empty when there is none.
 */
export function firstParagraphText(sanitized: string): string {
  let depth = 0;
  let start = -1;
  for (const m of sanitized.matchAll(TAG)) {
    const [whole, close, name] = m as unknown as [string, string, string];
    if (VOID_TAGS.has(name)) continue;
    if (!close) {
      if (depth === 0 && name === 'p') start = m.index + whole.length;
      depth++;
      continue;
    }
    depth = Math.max(0, depth - 1);
    if (depth === 0 && start >= 0) {
      const text = htmlToPlainText(headOfHtml(sanitized.slice(start, m.index), SUMMARY_HTML));
      if (text) return text;
      start = -1;
    }
  }
  return '';
}

export { truncateAtWord } from '../text.ts';
export { escapeHtml } from '../escape.ts';
