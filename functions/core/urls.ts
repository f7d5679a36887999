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
