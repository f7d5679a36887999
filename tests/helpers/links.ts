// Following every link a built site emits: in its pages (href, src, a form's action), its feeds (the
// feed's own links, each item's, and those in each item's HTML) and its sitemap.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { pageLinks } from './html.ts';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', parseTagValue: false, processEntities: true, htmlEntities: true });

// Elements and keys whose value is a URL, and those whose value is HTML with URLs in it.
const URL_KEYS = new Set(['link', '@href', 'loc', 'url', 'home_page_url', 'feed_url', 'image', 'uri']);
const HTML_KEYS = new Set(['content:encoded', 'content', 'content_html', 'description', 'summary']);

function walk(node: unknown, key: string, out: string[]): void {
  if (typeof node === 'string') {
    if (URL_KEYS.has(key) && /^https?:\/\//.test(node.trim())) out.push(node.trim());
    else if (HTML_KEYS.has(key) && node.includes('<')) out.push(...pageLinks(node).map((l) => l.url));
    return;
  }
  if (Array.isArray(node)) return node.forEach((n) => walk(n, key, out));
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) walk(v, k === '#text' ? key : k, out);
  }
}

/** The URLs a file of the site points to, as written (relative ones too), by its kind; `post` for a form's action. */
export function linksIn(path: string, body: string): { url: string; post: boolean }[] {
  if (path.endsWith('.html')) return pageLinks(body).map((l) => ({ url: l.url, post: l.attribute === 'action' }));
  const out: string[] = [];
  if (path.endsWith('.json')) walk(JSON.parse(body), '', out);
  else if (path.endsWith('.xml')) walk(xml.parse(body), '', out);
  return out.map((url) => ({ url, post: false }));
}

export interface LinkCheck {
  /** Links followed to a file or route of ours. */
  followed: number;
  /** Links to other hosts, not followed. */
  external: number;
  /** Files read. */
  files: number;
  /** `file: url` for every link that leads nowhere. */
  broken: string[];
  /** Every API route a link reached, as `METHOD /path` (the subscribe form's action is `POST /subscribe`). */
  routes: Set<string>;
}

function files(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).map((f) => f.split('\\').join('/')).filter((f) => !f.startsWith('.newsletter') && statSync(join(root, f)).isFile());
}

/**
 * Checks a site built on disk: every link of every page, feed and sitemap leads to a file of the
 * site (a folder to its index.html) or to one of the API's routes (`METHOD /path`: a form's action
 * must take POST, a link GET); links to other hosts are counted and left alone.
 */
export function checkBuiltSite(root: string, siteUrl: string, apiUrl: string, apiRoutes: readonly string[]): LinkCheck {
  const site = new URL(siteUrl);
  const api = new URL(apiUrl);
  const check: LinkCheck = { followed: 0, external: 0, files: 0, broken: [], routes: new Set() };
  for (const path of files(root)) {
    if (!/\.(html|xml|json)$/.test(path)) continue;
    check.files++;
    const base = new URL(path.split('/').map(encodeURIComponent).join('/'), site);
    for (const { url: link, post } of linksIn(path, readFileSync(join(root, path), 'utf8'))) {
      const url = new URL(link, base);
      if (url.protocol === 'mailto:') continue;
      if (url.host !== site.host) {
        check.external++;
        continue;
      }
      check.followed++;
      if (url.pathname.startsWith(api.pathname)) {
        const route = `${post ? 'POST' : 'GET'} /${url.pathname.slice(api.pathname.length).replace(/\/$/, '')}`;
        if (apiRoutes.includes(route)) check.routes.add(route);
        else check.broken.push(`${path}: ${link} (no route ${route})`);
        continue;
      }
      if (!url.pathname.startsWith(site.pathname)) {
        check.broken.push(`${path}: ${link} (outside the site)`);
        continue;
      }
      let target = decodeURIComponent(url.pathname.slice(site.pathname.length));
      if (target === '' || target.endsWith('/')) target += 'index.html';
      if (!existsSync(join(root, target)) || !statSync(join(root, target)).isFile()) check.broken.push(`${path}: ${link}`);
    }
  }
  return check;
}

/**
 * Crawls a running server from the `start` URLs: fetches every page, feed and sitemap of their origin
 * that a link leads to (GET only: nothing changes), and expects each to answer 200.
 */
export async function crawl(start: string[]): Promise<LinkCheck & { statuses: Map<string, number> }> {
  const origin = new URL(start[0]!).origin;
  const check = { followed: 0, external: 0, files: 0, broken: [] as string[], routes: new Set<string>(), statuses: new Map<string, number>() };
  const queue: { url: string; from: string }[] = start.map((url) => ({ url, from: '(start)' }));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { url, from } = queue.shift()!;
    const target = new URL(url);
    target.hash = '';
    if (target.origin !== origin) {
      check.external++;
      continue;
    }
    check.followed++;
    if (seen.has(target.href)) continue;
    seen.add(target.href);
    const res = await fetch(target);
    check.statuses.set(target.pathname, res.status);
    if (res.status !== 200) {
      check.broken.push(`${from}: ${url} (${res.status})`);
      continue;
    }
    if (target.pathname.startsWith('/api/')) {
      check.routes.add(`GET /${target.pathname.slice('/api/'.length).replace(/\/$/, '')}`);
      continue;
    }
    const type = res.headers.get('content-type') ?? '';
    if (!/html|xml|json/.test(type)) continue;
    check.files++;
    const name = target.pathname.endsWith('/') ? `${target.pathname}index.html` : target.pathname;
    const kind = /html/.test(type) ? 'page.html' : /json/.test(type) ? 'feed.json' : 'feed.xml';
    // A form's action is fetched with GET too: the route's page, which changes nothing.
    for (const { url: link } of linksIn(/\.(html|xml|json)$/.test(name) ? name : kind, await res.text())) {
      queue.push({ url: new URL(link, target).href, from: target.pathname });
    }
  }
  return check;
}
