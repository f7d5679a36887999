/** Every public URL of the site is built here, from the settings' `siteUrl` (which ends in `/`). */
export const FEED_PATHS = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' } as const;

export function articlePath(slug: string): string {
  return `articles/${slug}.html`;
}

export function siteUrlFor(siteUrl: string, path: string): string {
  return new URL(path, siteUrl).toString();
}

export function articleUrl(siteUrl: string, slug: string): string {
  return siteUrlFor(siteUrl, articlePath(slug));
}

export function feedUrls(siteUrl: string): { rss: string; atom: string; json: string } {
  return {
    rss: siteUrlFor(siteUrl, FEED_PATHS.rss),
    atom: siteUrlFor(siteUrl, FEED_PATHS.atom),
    json: siteUrlFor(siteUrl, FEED_PATHS.json),
  };
}

/** The site's own files besides articles and lists: the subscribe page, the sitemap, the icon, the tags' index. */
export const SITE_PATHS = { subscribe: 'subscribe.html', sitemap: 'sitemap.xml', favicon: 'favicon.svg', tags: 'tags/index.html' } as const;

/** Index pages (the site's, a tag's, a newsletter's) list this many articles each: `/`, `/page/2/`, … */
export const LIST_PAGE_SIZE = 50;

// A slug is at most this many UTF-8 bytes (a file name may have 255), cut at a character.
const MAX_SLUG_BYTES = 96;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/;

const utf8Length = (code: number) => (code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4);

/** FNV-1a, 32 bits, as 8 hex digits: a stable name for a tag that has no letters or digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The one slug of a tag, its folder under `tags/`: letters, marks and digits of any script, lower
 * case (NFKC), runs of anything else as one `-`, at most 96 bytes. No slug holds `.`, `/`, `\` or
 * a space, so no tag can leave its folder; tags that slug alike share one page. A tag with no letter
 * or digit gets `tag-` and a hash of its text.
 */
export function tagSlug(tag: string): string {
  const text = tag.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
  const words = text.match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  let slug = '';
  let bytes = 0;
  for (const word of words) {
    for (const char of (slug ? '-' : '') + word) {
      const size = utf8Length(char.codePointAt(0)!);
      if (bytes + size > MAX_SLUG_BYTES) return finish(slug.replace(/-$/, ''), text);
      slug += char;
      bytes += size;
    }
  }
  return finish(slug, text);
}

function finish(slug: string, text: string): string {
  if (!slug) return `tag-${fnv1a(text)}`;
  return WINDOWS_DEVICE.test(slug) ? `${slug}-tag` : slug;
}

/** The folder of a tag's pages and feeds (ends in `/`). */
export function tagFolder(slug: string): string {
  return `tags/${slug}/`;
}

/** The folder of a newsletter's pages and feeds (ends in `/`): its id, which settings keep to `[a-z0-9-]`, slugged like a tag if not. */
export function newsletterFolder(id: string): string {
  return `newsletters/${/^[a-z0-9][a-z0-9-]*$/.test(id) ? id : tagSlug(id)}/`;
}

/** Page `n` (from 1) of the list whose folder is `folder` ('' for the site's own). */
export function listPagePath(folder: string, n: number): string {
  return n <= 1 ? `${folder}index.html` : `${folder}page/${n}/index.html`;
}

/** The feeds of a folder ('' for the site's own: feed.xml, atom.xml, feed.json). */
export function feedPaths(folder: string): { rss: string; atom: string; json: string } {
  return { rss: folder + FEED_PATHS.rss, atom: folder + FEED_PATHS.atom, json: folder + FEED_PATHS.json };
}

/** A site path as a relative URL from a page whose root is `root` ('' or '../…'): each segment percent-encoded. */
export function relativeHref(root: string, path: string): string {
  return root + path.split('/').map(encodeURIComponent).join('/');
}

/** The relative way up from a page at `path` to the site's root: '' or '../', '../../', … */
export function rootOf(path: string): string {
  return '../'.repeat(path.split('/').length - 1);
}

/** Whether a path is one a build writes and may remove when it no longer produces it (see ledger.ts). */
export function isBuiltPath(path: string): boolean {
  return /^articles\/[^/]+\.html$/.test(path) || /^(?:(?:tags|newsletters)\/[^/.][^/]*\/)?page\/[1-9]\d*\/index\.html$/.test(path) || /^(?:tags|newsletters)\/[^/.][^/]*\/(?:index\.html|feed\.xml|atom\.xml|feed\.json)$/.test(path) || /^sitemap-\d+\.xml$/.test(path);
}

/**
 * The permanent id of an article: a tag URI (RFC 4151) from the site's host, the day the article was
 * first published and its content file's name, so editing the title, text or slug never changes it.
 */
export function articleId(siteUrl: string, published: Date, fileStem: string): string {
  const host = new URL(siteUrl).hostname;
  const day = published.toISOString().slice(0, 10);
  const specific = fileStem.replace(/[^A-Za-z0-9._~\-/]/g, (c) => encodeURIComponent(c));
  return `tag:${host},${day}:${specific}`;
}

/** The archive page of one digest issue (the email's "view in browser" link). */
export function issueArchivePath(issueId: string): string {
  return `issues/${issueId}.html`;
}

export function issueArchiveUrl(siteUrl: string, issueId: string): string {
  return siteUrlFor(siteUrl, issueArchivePath(issueId));
}

/** The one-click unsubscribe endpoint of the HTTP API (`apiUrl` ends in `/`) for one token. */
export function unsubscribeUrl(apiUrl: string, token: string): string {
  return `${new URL('unsubscribe', apiUrl).toString()}?token=${encodeURIComponent(token)}`;
}

/** The preferences page of the HTTP API (choose newsletters, change the name, leave everything) for one token. */
export function preferencesUrl(apiUrl: string, token: string): string {
  return `${new URL('preferences', apiUrl).toString()}?token=${encodeURIComponent(token)}`;
}

/** The double opt-in confirmation endpoint for one token. */
export function confirmUrl(apiUrl: string, token: string): string {
  return `${new URL('confirm', apiUrl).toString()}?token=${encodeURIComponent(token)}`;
}

/** The subscribe endpoint of the HTTP API. */
export function subscribeUrl(apiUrl: string): string {
  return new URL('subscribe', apiUrl).toString();
}
