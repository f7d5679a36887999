import { randomUUID } from 'node:crypto';
import { assembleArticles, type LoadedContent } from '../articles/assemble.ts';
import { formatProblem, type Article } from '../articles/types.ts';
import type { ContentSource, Logger, ReadOptions, SiteOutput, TemplateSource, VersionedFile } from '../ports.ts';
import { loadSettings, SETTINGS_FILE, type Settings } from '../settings.ts';
import { articlePath, SITE_PATHS } from '../urls.ts';
import { ArticleCache, CACHE_CHANGES_STATE, CACHE_STATE, type CacheEntry, type CacheKeys, type CachedArticle } from './cache.ts';
import { contentHash, keyOf } from './hash.ts';
import { collect, isPublished, lazyInProcess, readsHtml, storedEntries } from './incremental.ts';
import { OutputLedger } from './ledger.ts';
import { MANIFEST_STATE, parseManifest, readSiteManifest, rebuildDue, serialiseManifest, type SiteManifest } from './manifest.ts';
import { siteCollections, type Collection } from './collections.ts';
import { CONTENT_TYPES } from './content-types.ts';
import { writeFeeds, writeLists } from './outputs.ts';
import { loadPageTemplates, renderArticlePage } from './pages.ts';
import type { ArticleProcessor, ProcessContext, ProcessedFile } from './process.ts';

export { publishedArticleIds, readSiteManifest, rebuildDue, type SiteManifest } from './manifest.ts';
export { loadPageTemplates } from './pages.ts';

export interface BuildDeps {
  content: ContentSource;
  output: SiteOutput;
  templates: TemplateSource;
  log: Logger;
  /** Adjusts the settings read from the content (e.g. the local server's own URLs). */
  adjustSettings?: (settings: Settings) => Settings;
  /** Parses and renders articles, e.g. on worker threads; on the calling thread by default. */
  processor?: ArticleProcessor;
  /**
   * Identifies the running code. With it, parsed articles are cached in the output's state between
   * processes; without it, only within one SiteBuilder.
   */
  codeVersion?: string;
  /**
   * The digest's archive (issue pages from the store's records, see issue/publish.ts), where the site is
   * built beside the store; absent (`newsletter build` alone), the build leaves issues/ as it is.
   */
  archive?: { publishAll(options: { published: ReadonlySet<string>; output: SiteOutput; settings: Settings }): Promise<string[]> } | undefined;
}

/** A published article as a build reports it: its html is in its page (and, for the newest, in the feeds). */
export type PublishedArticle = Omit<Article, 'html'>;

export interface BuildReport extends LoadedContent<PublishedArticle> {
  settings: Settings;
  /** Paths written to the site output (files whose bytes changed). */
  written: string[];
  /** Files the build produced that already held the right bytes, so were not written. */
  unchanged: number;
  /** Pages of earlier builds that this build no longer produces, removed. */
  removed: string[];
  /** Article files parsed by this build; the others came from the cache. */
  parsed: number;
  /** Items the site's feeds carry (at most the settings' `feedItems`). */
  feedItems: number;
  /** Tags with a page and feeds of their own. */
  tags: number;
  /** Paths of the digest's archive written (its pages, index and feed); empty without an archive. */
  archived: string[];
  /** When the earliest scheduled article is due: a build at or after it publishes it. */
  nextEmbargo: Date | undefined;
}


export { CONTENT_TYPES } from './content-types.ts';

/** Names this process, for what it may keep only while it runs. */
const PROCESS = randomUUID();

export { loadSettings } from '../settings.ts';

/**
 * Builds the public site, again and again: RSS, Atom and JSON feeds of the newest articles, a page per
 * article, an index and the issue archive. Broken articles are reported and left out; everything
 * else is still published. Only files whose bytes change are written, and pages an earlier build wrote
 * that this one no longer produces are removed (nothing else ever is). Parsed articles are cached by
 * the hash of their bytes, so a rebuild parses only what changed. Keep one builder for repeated builds
 * (a watching server); `buildSite` makes one for a single build.
 */
export class SiteBuilder {
  private cache: ArticleCache | undefined;
  private manifest: SiteManifest | undefined;
  private stateLoaded = false;

  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: BuildDeps) {}

  /** Builds the site for `now`. Builds asked for while one runs wait their turn: they share state. */
  build(now: Date = new Date()): Promise<BuildReport> {
    const next = this.queue.then(() => this.buildNow(now));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async buildNow(now: Date): Promise<BuildReport> {
    const { deps } = this;
    const loadedSettings = await loadSettings(deps.content);
    const settings = deps.adjustSettings ? deps.adjustSettings(loadedSettings) : loadedSettings;
    const [templates, subscribe, stylesheet, favicon] = await Promise.all([
      loadPageTemplates(deps.templates),
      deps.templates.load('subscribe.html'),
      deps.templates.load('style.css'),
      deps.templates.load(SITE_PATHS.favicon),
    ]);
    const parseKey = keyOf(deps.codeVersion ?? 'this process', JSON.stringify(settings));
    // What an article's page is rendered from besides the article: the settings (in parseKey) and these templates.
    const keys: CacheKeys = { parse: parseKey, page: keyOf(parseKey, templates.layout, templates.article, templates.subscribeForm, templates.articleItem, templates.pager) };
    await this.loadState(keys);
    const cache = (this.cache ?? new ArticleCache(keys)).rekey(keys);
    const ledger = new OutputLedger(deps.output, this.manifest, await deps.output.existing?.());
    const processor = deps.processor ?? lazyInProcess;
    const context: ProcessContext = { settings, templates, now: now.getTime() };
    const readOptions: ReadOptions = { maxBytes: settings.maxArticleBytes, limitName: `maxArticleBytes in ${SETTINGS_FILE}` };

    const { reused, toParse } = await collect(deps.content, cache, readOptions, processor);
    const entries = new Map<string, CacheEntry>(reused);
    // Paths whose cache entry this build changes.
    const changed = new Set<string>(toParse.map((f) => f.path));
    // Each page path goes to the first file (in path order) that claims it, as assembleArticles decides.
    const claims = new Map<string, string>();
    const pageSource = new Map<string, string>();
    for (const [path, entry] of reused) {
      if (!entry.result.ok || !isPublished(entry.result.article, now)) continue;
      const page = articlePath(entry.result.article.slug);
      const holder = claims.get(page);
      if (holder === undefined || path < holder) claims.set(page, path);
    }
    const accept = (processed: ProcessedFile) => {
      entries.set(processed.path, { version: processed.version, hash: processed.hash, result: processed.result, pageHash: processed.page?.hash });
      if (!processed.page || !processed.result.ok) return;
      const page = articlePath(processed.result.article.slug);
      const holder = claims.get(page);
      if (holder !== undefined && holder < processed.path) return;
      claims.set(page, processed.path);
      pageSource.set(page, processed.path);
      void ledger.put(page, processed.page.body, CONTENT_TYPES.html, { hash: processed.page.hash }).catch(() => {});
    };
    await processor.run(toParse, context, (results) => results.forEach(accept));
    await ledger.settle();

    const parsed = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, entry]) => ({ path, result: entry.result }));
    const loaded = assembleArticles(parsed, now);
    for (const problem of loaded.problems) deps.log.error(formatProblem(problem), { file: problem.file, line: problem.line });
    for (const warning of loaded.warnings) deps.log.warn(formatProblem(warning), { file: warning.file, line: warning.line });

    // The site's, the newsletters' and the tags' lists; each feed carries the newest of its list.
    const plan = siteCollections(settings, loaded.articles);
    for (const merge of plan.merged) deps.log.warn(`tags ${merge.tags.map((t) => JSON.stringify(t)).join(', ')} share the page tags/${merge.slug}/: listed together as ${JSON.stringify(merge.tags[0])}`, { slug: merge.slug });
    for (const id of plan.duplicates) deps.log.warn(`newsletter ${JSON.stringify(id)} has the folder of an earlier newsletter: it gets no page or feeds of its own`, { newsletter: id });
    const inFeeds = [...new Set(plan.collections.flatMap((c) => c.articles.slice(0, settings.feedItems)))];
    const listsUseHtml = [templates.index, templates.collection, templates.articleItem].some(readsHtml);
    const needHtml = new Set<string>();
    const toRender: CachedArticle[] = [];
    for (const article of loaded.articles) {
      const page = articlePath(article.slug);
      if (pageSource.get(page) === article.source) continue;
      const entry = entries.get(article.source)!;
      if (!pageSource.has(page) && entry.pageHash !== undefined && ledger.holds(page, entry.pageHash)) ledger.keep(page, entry.pageHash);
      else toRender.push(article);
    }
    for (const article of [...toRender, ...(listsUseHtml ? loaded.articles : inFeeds)]) if (article.html === undefined) needHtml.add(article.source);
    const rendered = await this.fillHtml(needHtml, entries, context, readOptions);
    for (const path of needHtml) changed.add(path);
    for (const article of toRender) {
      const body = rendered.get(article.source) ?? renderArticlePage(templates, settings, article as Article);
      const hash = contentHash(body);
      entries.get(article.source)!.pageHash = hash;
      changed.add(article.source);
      pageSource.set(articlePath(article.slug), article.source);
      void ledger.put(articlePath(article.slug), body, CONTENT_TYPES.html, { hash }).catch(() => {});
    }
    await ledger.settle();
    // A page written for a file that lost its place after all (a duplicate id) is taken back.
    const pages = new Set(loaded.articles.map((a) => articlePath(a.slug)));
    for (const page of pageSource.keys()) if (!pages.has(page)) await ledger.discard(page);

    // Articles as lists and feeds see them: the body is there wherever a template or feed reads it.
    const listed = loaded.articles.map((a) => (a.html === undefined ? { ...a, html: '' } : a)) as Article[];
    // The digest's archive, from the issues actually sent (their records), linking only what is still
    // published. Written as shared files: a build never removes a page under issues/, which the sender writes too.
    const shared: SiteOutput = { write: (path, body, type) => ledger.put(path, body, type, { shared: true }) };
    const archived = deps.archive ? await deps.archive.publishAll({ published: new Set(listed.map((a) => a.id)), output: shared, settings }) : [];
    const asListed = new Map(loaded.articles.map((a, i) => [a, listed[i]!]));
    const collections: Collection<Article>[] = plan.collections.map((c) => ({ ...c, articles: c.articles.map((a) => asListed.get(a)!) }));
    await ledger.put('style.css', stylesheet, CONTENT_TYPES.css);
    await ledger.put(SITE_PATHS.favicon, favicon, CONTENT_TYPES.svg);
    // Lists and feeds are kept as they are when made from the same inputs; without a code version, only within this process.
    const inputs = {
      base: keyOf(deps.codeVersion ?? PROCESS, parseKey, subscribe, ...Object.values(templates)),
      version: (article: Article) => `${article.source} ${entries.get(article.source)!.hash}`,
    };
    await writeLists(ledger, { settings, templates: { ...templates, subscribe }, articles: listed, collections, archive: deps.archive !== undefined, archived, ...inputs });
    // Feeds last: a reader never sees an item whose page is not there yet.
    await writeFeeds(ledger, settings, collections, inputs);
    // Then the pages of articles and lists that are gone, once no feed or list links them.
    await ledger.removeStale();

    const scheduled = loaded.skipped.filter((s) => s.reason === 'scheduled').reduce((min, s) => Math.min(min, s.date.getTime()), Infinity);
    const nextEmbargo = scheduled === Infinity ? undefined : new Date(scheduled);
    const published = loaded.articles.map((a) => ({ id: a.id, path: articlePath(a.slug), date: a.date.toISOString() }));
    const stored = storedEntries(entries, inFeeds, changed);
    await this.saveState(ledger.manifest(now, nextEmbargo, published), cache.next(stored, changed));

    const report: BuildReport = {
      ...loaded,
      settings,
      written: [...ledger.written],
      unchanged: ledger.unchanged,
      removed: ledger.removed,
      parsed: toParse.length + needHtml.size,
      feedItems: Math.min(settings.feedItems, loaded.articles.length),
      tags: plan.collections.filter((c) => c.kind === 'tag').length,
      archived,
      nextEmbargo,
    };
    deps.log.info('site built', {
      published: loaded.articles.length,
      inFeeds: report.feedItems,
      tags: report.tags,
      problems: loaded.problems.length,
      skipped: loaded.skipped.length,
      archived: archived.length,
      parsed: report.parsed,
      written: report.written.length,
      unchanged: report.unchanged,
      removed: report.removed.length,
    });
    return report;
  }

  /**
   * Whether the calendar asks for a build at `now` (see rebuildDue): the output was never built, or
   * an embargoed article's time has come. Reads the manifest afresh (another builder may have built).
   */
  async due(now: Date = new Date()): Promise<boolean> {
    return rebuildDue(await readSiteManifest(this.deps.output), now);
  }

  /** Builds when due (see `due`), for a periodic check such as the feeds function's five-minute schedule. */
  async buildIfDue(now: Date = new Date()): Promise<BuildReport | undefined> {
    return (await this.due(now)) ? this.build(now) : undefined;
  }

  /** Ends the processor's threads, if it has any. */
  async close(): Promise<void> {
    await this.deps.processor?.close?.();
  }

  /**
   * Parses again the cached articles whose html is needed now (the cache keeps it only for feed
   * items); returns the pages rendered on the way.
   */
  private async fillHtml(sources: Set<string>, entries: Map<string, CacheEntry>, context: ProcessContext, options: ReadOptions): Promise<Map<string, Uint8Array>> {
    const pages = new Map<string, Uint8Array>();
    if (sources.size === 0) return pages;
    const { content } = this.deps;
    const files: VersionedFile[] =
      content.entries && content.readEntries
        ? await content.readEntries([...sources].map((path) => ({ path, version: undefined })), options)
        : (await content.list(options)).filter((f) => sources.has(f.path)).map((f) => ({ ...f, version: undefined }));
    await (this.deps.processor ?? lazyInProcess).run(files, context, (results) => {
      for (const processed of results) {
        const entry = entries.get(processed.path);
        const fresh = processed.result;
        // A file edited during the build keeps its listed result; the next build takes the edit.
        if (entry?.result.ok && fresh.ok && fresh.article.slug === entry.result.article.slug) {
          entry.result.article.html = fresh.article.html;
          if (processed.page) pages.set(processed.path, processed.page.body);
        }
      }
    });
    for (const path of sources) {
      const entry = entries.get(path);
      if (entry?.result.ok && entry.result.article.html === undefined) throw new Error(`${path} changed or vanished while the site was being built: build again`);
    }
    return pages;
  }

  private async loadState(keys: CacheKeys): Promise<void> {
    if (this.stateLoaded) return;
    this.stateLoaded = true;
    const { output, codeVersion } = this.deps;
    const persisted = codeVersion && output.loadState ? [CACHE_STATE, CACHE_CHANGES_STATE] : [];
    const [manifest, base, changes] = await Promise.all([MANIFEST_STATE, ...persisted].map((name) => output.loadState?.(name)));
    this.manifest = parseManifest(manifest);
    this.cache = ArticleCache.parse(base, changes)?.rekey(keys);
  }

  private async saveState(manifest: SiteManifest, cache: ArticleCache): Promise<void> {
    const { output, codeVersion } = this.deps;
    const persist = Boolean(codeVersion && output.saveState);
    this.manifest = manifest;
    // Kept in memory only, the cache need not remember what changed since it was last saved.
    this.cache = persist ? cache : new ArticleCache(cache.keys, cache.entries);
    const files = persist ? cache.save() : undefined;
    if (files?.base) await output.saveState!(CACHE_STATE, files.base);
    if (files) await output.saveState!(CACHE_CHANGES_STATE, files.changes);
    // The manifest last: it vouches for every file written before it.
    await output.saveState?.(MANIFEST_STATE, serialiseManifest(manifest));
  }
}

const builders = new WeakMap<BuildDeps, SiteBuilder>();

/**
 * Builds the site (see SiteBuilder). Calls with the same `deps` object share one builder and so its
 * cache: a warm Lambda that keeps its dependencies rebuilds only what changed.
 */
export async function buildSite(deps: BuildDeps, now: Date): Promise<BuildReport> {
  return siteBuilder(deps).build(now);
}

/** The one builder for these dependencies (see buildSite). */
export function siteBuilder(deps: BuildDeps): SiteBuilder {
  let builder = builders.get(deps);
  if (!builder) builders.set(deps, (builder = new SiteBuilder(deps)));
  return builder;
}
