import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, join, normalize, sep } from 'node:path';
import { CONTENT_TYPES } from '../core/site/content-types.ts';
import { FEED_PATHS } from '../core/urls.ts';
import { pageHeaders } from './page-headers.ts';

/** Which feed a path is, by its name: the site's, a tag's, a newsletter's, the archive's Atom feed. */
function feedKind(path: string): keyof typeof FEED_PATHS | undefined {
  const name = basename(path);
  return name === FEED_PATHS.rss ? 'rss' : name === FEED_PATHS.atom ? 'atom' : name === FEED_PATHS.json ? 'json' : undefined;
}

function contentType(path: string): string {
  const feed = feedKind(path);
  if (feed) return CONTENT_TYPES[feed];
  switch (extname(path)) {
    case '.html':
      return CONTENT_TYPES.html;
    case '.css':
      return CONTENT_TYPES.css;
    case '.svg':
      return CONTENT_TYPES.svg;
    case '.txt':
      return 'text/plain; charset=utf-8';
    case '.xml':
      return CONTENT_TYPES.xml;
    case '.json':
      return 'application/json; charset=utf-8';
    case '.png':
      return 'image/png';
    case '.jpg':
    case '.jpeg':
      return 'image/jpeg';
    default:
      return 'application/octet-stream';
  }
}

/** The entity-tags of an If-None-Match field; `*` stands for any. */
function entityTags(field: string): string[] {
  return field.split(',').map((tag) => tag.trim()).filter((tag) => tag.length > 0);
}

/**
 * RFC 9110 13.1.2: If-None-Match uses the weak comparison (`W/"x"` matches `"x"`), and `*` matches
 * any current representation.
 */
export function noneMatch(field: string, etag: string): boolean {
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  return entityTags(field).some((tag) => tag === '*' || opaque(tag) === opaque(etag));
}

/**
 * When a feed says it was last updated (RSS lastBuildDate, Atom's feed-level updated, the newest date
 * of a JSON Feed's items): taken from the body, so it moves with the content and with nothing else.
 */
export function feedUpdated(path: string, body: Buffer): Date | undefined {
  const head = () => body.subarray(0, 4096).toString('utf8');
  let text: string | undefined;
  const feed = feedKind(path);
  if (feed === 'rss') text = /<lastBuildDate>([^<]{1,64})<\/lastBuildDate>/.exec(head())?.[1];
  else if (feed === 'atom') text = /<updated>([^<]{1,64})<\/updated>/.exec(head().split('<entry')[0]!)?.[1];
  else if (feed === 'json') {
    try {
      const feed = JSON.parse(body.toString('utf8')) as { items?: { date_modified?: string; date_published?: string }[] };
      const times = (feed.items ?? []).map((item) => Date.parse(item.date_modified ?? item.date_published ?? '')).filter((t) => !Number.isNaN(t));
      if (times.length > 0) return new Date(Math.max(...times));
    } catch {
      return undefined;
    }
  }
  const time = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(time) || time <= 0 ? undefined : new Date(time);
}

/** The real path of `full` when it lies inside `root` (no symbolic link leads out); undefined otherwise. */
async function inside(root: string, full: string): Promise<string | undefined> {
  try {
    const [realRoot, realFull] = await Promise.all([realpath(root), realpath(full)]);
    return realFull.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep) ? realFull : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves a file of the built site with its Content-Type, an ETag and Last-Modified, answering
 * conditional GETs with 304 (what feed readers rely on), and with the site's security headers.
 * Last-Modified comes from the content: a feed's own updated time, or else the file's time (which
 * moves only when the build writes new content), never later than now. Returns false when there
 * is no such file.
 */
export async function serveStatic(root: string, urlPath: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath).replace(/^\/+/, '') || 'index.html';
  } catch {
    return false;
  }
  if (relative.endsWith('/')) relative += 'index.html';
  // Hidden paths are the build's own state (.newsletter/: its manifest and cache), never pages.
  if (relative.split('/').some((part) => part.startsWith('.'))) return false;
  const full = normalize(join(root, relative));
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  const real = await inside(root, full);
  if (!real) return false;
  let info;
  try {
    info = await stat(real);
  } catch {
    return false;
  }
  if (!info.isFile()) return false;
  const body = await readFile(real);
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  const lastModified = new Date(Math.floor(Math.min((feedUpdated(relative, body) ?? info.mtime).getTime(), Date.now()) / 1000) * 1000);
  const headers = {
    ...pageHeaders('site'),
    'content-type': contentType(relative),
    etag,
    'last-modified': lastModified.toUTCString(),
    'cache-control': feedKind(relative) ? 'public, max-age=300' : 'public, max-age=60',
  };
  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  // If-None-Match, when sent, decides alone (RFC 9110 13.2.2).
  const notModified = ifNoneMatch
    ? noneMatch(ifNoneMatch, etag)
    : ifModifiedSince !== undefined && !Number.isNaN(Date.parse(ifModifiedSince)) && lastModified.getTime() <= Date.parse(ifModifiedSince);
  if (notModified) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(200, { ...headers, 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
