import type { Article } from '../articles/types.ts';
import { renderAtom } from '../feeds/atom.ts';
import { renderJsonFeed } from '../feeds/json.ts';
import { renderRss } from '../feeds/rss.ts';
import { issueTime } from '../issue/id.ts';
import type { Settings } from '../settings.ts';
import { articlePath, feedPaths, SITE_PATHS } from '../urls.ts';
import { renderSubscribePage } from '../web/pages.ts';
import { defaultSubscribeForm } from '../web/subscribe-form.ts';
import { collectionChannel, type Collection } from './collections.ts';
import { CONTENT_TYPES } from './content-types.ts';
import { keyOfAll } from './hash.ts';
import type { OutputLedger } from './ledger.ts';
import { paginate, renderListPage, renderTagsPage } from './lists.ts';
import type { PageTemplates } from './pages.ts';
import { renderSitemaps, sitemapPart, SITEMAP_MAX_URLS, type SitemapEntry } from './sitemap.ts';

// What a build writes besides the article pages: every collection's pages, the tags' index, the
// subscribe page and the sitemap (writeLists), then the feeds (writeFeeds).

export interface SiteLists {
  settings: Settings;
  templates: PageTemplates & { subscribe: string };
  /** Every published article, newest first. */
  articles: Article[];
  /** The site's collection first, then the newsletters' and the tags'. */
  collections: Collection<Article>[];
  /** Whether the site carries the digest's archive, and the paths it wrote. */
  archive: boolean;
  archived: readonly string[];
  /** A key of what every page depends on besides its articles: code, settings, templates. */
  base: string;
  /** What an article is made from (its file and the hash of its bytes): with `base`, all a list shows of it. */
  version(article: Article): string;
}

/** The inputs of a file listing these articles (in this order) under this collection's name. */
function listInputs(site: Pick<SiteLists, 'base' | 'version'>, what: string, collection: Collection<Article>, articles: readonly Article[], extra: string[] = []): string {
  return keyOfAll([site.base, what, collection.kind, collection.folder, collection.title, collection.description, ...extra, ...articles.map(site.version)]);
}

const newest = (articles: readonly Article[], field: 'date' | 'updated') => articles.reduce((max, a) => Math.max(max, a[field].getTime()), 0);
const dateOrNone = (time: number) => (time > 0 ? new Date(time) : undefined);

/** Writes the list pages, the tags' index and the subscribe page, then the sitemap of every page. */
export async function writeLists(ledger: OutputLedger, site: SiteLists): Promise<void> {
  const { settings, templates } = site;
  const form = defaultSubscribeForm(settings);
  const lists: SitemapEntry[] = [];
  const writes: Promise<void>[] = [];
  for (const collection of site.collections) {
    // Publishing an article shifts every page after it; an edit changes its own page.
    const shifted = newest(collection.articles, 'date');
    for (const page of paginate(collection.folder, collection.articles)) {
      const inputs = listInputs(site, 'page', collection, page.articles, [String(site.archive), String(page.number), String(page.count)]);
      writes.push(ledger.putDerived(page.path, inputs, () => renderListPage(templates, settings, collection, page, { archive: site.archive, form }), CONTENT_TYPES.html));
      lists.push({ path: page.path, lastmod: dateOrNone(Math.max(shifted, newest(page.articles, 'updated'))) });
    }
  }
  const tags = site.collections.filter((c) => c.kind === 'tag');
  const tagsInputs = keyOfAll([site.base, 'tags', ...tags.flatMap((t) => [t.folder, t.title, String(t.articles.length)])]);
  writes.push(ledger.putDerived(SITE_PATHS.tags, tagsInputs, () => renderTagsPage(templates, settings, tags.map((t) => ({ ...t, count: t.articles.length })), form), CONTENT_TYPES.html));
  writes.push(ledger.put(SITE_PATHS.subscribe, renderSubscribePage(templates, settings), CONTENT_TYPES.html));
  await Promise.all(writes);

  const issues = site.archived.flatMap((path) => {
    const id = /^issues\/(.+)\.html$/.exec(path)?.[1];
    if (id === undefined) return [];
    return id === 'index' ? [] : [{ path, lastmod: issueTime(id) }];
  });
  const lastIssue = issues.reduce((max, i) => Math.max(max, i.lastmod?.getTime() ?? 0), 0);
  const [home, ...otherLists] = lists;
  const entries: SitemapEntry[] = [
    ...(home ? [home] : []),
    ...site.articles.map((a) => ({ path: articlePath(a.slug), lastmod: a.updated })),
    ...otherLists,
    { path: SITE_PATHS.tags, lastmod: dateOrNone(tags.reduce((max, t) => Math.max(max, newest(t.articles, 'updated')), 0)) },
    // Its content follows the settings and templates, whose times the build does not know.
    { path: SITE_PATHS.subscribe, lastmod: undefined },
    ...(site.archived.includes('issues/index.html') ? [{ path: 'issues/index.html', lastmod: dateOrNone(lastIssue) }] : []),
    ...issues,
  ];
  const sitemapInputs = keyOfAll([site.base, 'sitemap', ...entries.map((e) => `${e.path} ${e.lastmod?.getTime() ?? ''}`)]);
  const parts = Math.ceil(entries.length / SITEMAP_MAX_URLS);
  let files: Map<string, string> | undefined;
  const sitemaps = () => (files ??= renderSitemaps(settings.siteUrl, entries));
  for (const path of parts > 1 ? [SITE_PATHS.sitemap, ...Array.from({ length: parts }, (_, i) => sitemapPart(i + 1))] : [SITE_PATHS.sitemap]) {
    await ledger.putDerived(path, sitemapInputs, () => sitemaps().get(path)!, CONTENT_TYPES.xml);
  }
}

/** Writes every collection's RSS, Atom and JSON feeds, the site's own last. */
export async function writeFeeds(ledger: OutputLedger, settings: Settings, collections: readonly Collection<Article>[], site: Pick<SiteLists, 'base' | 'version'>): Promise<void> {
  const ordered = [...collections.filter((c) => c.kind !== 'site'), ...collections.filter((c) => c.kind === 'site')];
  for (const collection of ordered) {
    const items = collection.articles.slice(0, settings.feedItems);
    const channel = collectionChannel(settings, collection);
    const paths = feedPaths(collection.folder);
    const inputs = listInputs(site, 'feed', collection, items);
    await Promise.all([
      ledger.putDerived(paths.rss, inputs, () => renderRss(settings, items, channel), CONTENT_TYPES.rss),
      ledger.putDerived(paths.atom, inputs, () => renderAtom(settings, items, channel), CONTENT_TYPES.atom),
      ledger.putDerived(paths.json, inputs, () => renderJsonFeed(settings, items, channel), CONTENT_TYPES.json),
    ]);
  }
}
