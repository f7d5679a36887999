import { xmlText } from '../feeds/xml.ts';
import { siteUrlFor, SITE_PATHS } from '../urls.ts';

/** One page for the sitemap: its site path and when its content last changed (when that is known). */
export interface SitemapEntry {
  path: string;
  lastmod: Date | undefined;
}

/** The sitemap protocol's limit of URLs per file; a larger site gets a sitemap index and numbered parts. */
export const SITEMAP_MAX_URLS = 50_000;

/** Part `n` (from 1) of a sitemap too large for one file. */
export function sitemapPart(n: number): string {
  return `sitemap-${n}.xml`;
}

const HEAD = '<?xml version="1.0" encoding="utf-8"?>\n';
const NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"';

/** W3C Datetime, to the second. */
const w3c = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

// Written as text rather than through the XML builder: one line per page, and tens of thousands of
// pages (the builder took a tenth of a second for 10,000). Every value goes through xmlText.
function line(element: 'url' | 'sitemap', loc: string, lastmod: Date | undefined): string {
  return `    <${element}><loc>${xmlText(loc)}</loc>${lastmod ? `<lastmod>${w3c(lastmod)}</lastmod>` : ''}</${element}>\n`;
}

function urlset(siteUrl: string, entries: readonly SitemapEntry[]): string {
  let text = `${HEAD}<urlset ${NS}>\n`;
  for (const e of entries) text += line('url', siteUrlFor(siteUrl, e.path), e.lastmod);
  return `${text}</urlset>\n`;
}

/**
 * The sitemap (sitemaps.org 0.9): every page with its absolute URL and lastmod, in the order given.
 * Up to 50,000 pages it is one file, sitemap.xml; beyond, sitemap.xml is an index of sitemap-1.xml,
 * sitemap-2.xml, … Returns the files by path.
 */
export function renderSitemaps(siteUrl: string, entries: readonly SitemapEntry[]): Map<string, string> {
  const files = new Map<string, string>();
  if (entries.length <= SITEMAP_MAX_URLS) return files.set(SITE_PATHS.sitemap, urlset(siteUrl, entries));
  let index = `${HEAD}<sitemapindex ${NS}>\n`;
  for (let i = 0; i * SITEMAP_MAX_URLS < entries.length; i++) {
    const chunk = entries.slice(i * SITEMAP_MAX_URLS, (i + 1) * SITEMAP_MAX_URLS);
    const path = sitemapPart(i + 1);
    files.set(path, urlset(siteUrl, chunk));
    const newest = chunk.reduce((max, e) => Math.max(max, e.lastmod?.getTime() ?? 0), 0);
    index += line('sitemap', siteUrlFor(siteUrl, path), newest > 0 ? new Date(newest) : undefined);
  }
  files.set(SITE_PATHS.sitemap, `${index}</sitemapindex>\n`);
  return files;
}
