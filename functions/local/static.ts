import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_TYPES } from '../core/site/build.ts';
import { FEED_PATHS } from '../core/urls.ts';

function contentType(path: string): string {
  if (path === FEED_PATHS.rss) return CONTENT_TYPES.rss;
  if (path === FEED_PATHS.atom) return CONTENT_TYPES.atom;
  if (path === FEED_PATHS.json) return CONTENT_TYPES.json;
  switch (extname(path)) {
    case '.html':
      return CONTENT_TYPES.html;
    case '.css':
      return CONTENT_TYPES.css;
    case '.xml':
      return 'application/xml; charset=utf-8';
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

/**
 * Serves a file of the built site with its Content-Type, an ETag and Last-Modified, answering
 * conditional GETs with 304 (what feed readers rely on). Returns false when there is no such file.
 */
export async function serveStatic(root: string, urlPath: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath).replace(/^\/+/, '') || 'index.html';
  } catch {
    return false;
  }
  if (relative.endsWith('/')) relative += 'index.html';
  const full = normalize(join(root, relative));
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  let info;
  try {
    info = await stat(full);
  } catch {
    return false;
  }
  if (!info.isFile()) return false;
  const body = await readFile(full);
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
  const headers = {
    'content-type': contentType(relative),
    etag,
    'last-modified': lastModified.toUTCString(),
    'cache-control': relative.startsWith('feed') || relative === 'atom.xml' ? 'public, max-age=300' : 'public, max-age=60',
    'x-content-type-options': 'nosniff',
  };
  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  const notModified = ifNoneMatch
    ? ifNoneMatch.split(',').map((t) => t.trim()).includes(etag)
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
