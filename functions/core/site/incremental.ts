import Mustache from 'mustache';
import { isArticleCandidate } from '../articles/assemble.ts';
import type { ContentSource, ReadOptions, VersionedFile } from '../ports.ts';
import type { ArticleCache, CacheEntry, CachedArticle } from './cache.ts';
import { contentHash } from './hash.ts';
import type { ArticleProcessor } from './process.ts';

// The steps of an incremental build that SiteBuilder (build.ts) strings together.

/** Whether a Mustache template reads an `html` field (an article's body) anywhere. */
export function readsHtml(template: string): boolean {
  const walk = (tokens: unknown[][]): boolean =>
    tokens.some((t) => (t[0] !== 'text' && typeof t[1] === 'string' && /(^|\.)html$/.test(t[1])) || (Array.isArray(t[4]) && walk(t[4] as unknown[][])));
  return walk(Mustache.parse(template) as unknown[][]);
}

// The parser (Markdown, sanitiser) is loaded only when something is to be parsed: a build of an
// unchanged site never needs it.
export const lazyInProcess: ArticleProcessor = {
  async run(files, context, onResults) {
    if (files.length > 0) await (await import('./process.ts')).inProcessProcessor.run(files, context, onResults);
  },
};

export function isPublished(article: CachedArticle, now: Date): boolean {
  return !article.draft && article.date.getTime() <= now.getTime();
}

export interface Collected {
  /** Article files whose cached result is still valid. */
  reused: Map<string, CacheEntry>;
  /** Files to parse. */
  toParse: VersionedFile[];
}

/** Lists the article files and sorts them into cache hits and files to parse, reading only what it must. */
export async function collect(content: ContentSource, cache: ArticleCache, options: ReadOptions, processor: ArticleProcessor): Promise<Collected> {
  const reused = new Map<string, CacheEntry>();
  let files: VersionedFile[];
  if (content.entries && content.readEntries) {
    const toRead = [];
    for (const entry of (await content.entries(options)).filter(isArticleCandidate)) {
      const hit = entry.unreadable === undefined ? cache.lookupVersion(entry.path, entry.version) : undefined;
      if (hit) reused.set(entry.path, hit);
      else toRead.push(entry);
    }
    processor.prepare?.(toRead.length);
    files = toRead.length > 0 ? await content.readEntries(toRead, options) : [];
  } else {
    files = (await content.list(options)).filter(isArticleCandidate).map((f) => ({ ...f, version: undefined }));
  }
  const toParse: VersionedFile[] = [];
  for (const file of files) {
    const hit = file.unreadable === undefined && cache.entries.has(file.path) ? cache.lookup(file.path, contentHash(file.bytes)) : undefined;
    if (hit) reused.set(file.path, { ...hit, version: file.version });
    else toParse.push(file);
  }
  return { reused, toParse };
}

/**
 * The entries to cache: every article, its html kept only when a feed carries it (the others are
 * parsed again in the rare build that needs their body). An entry that loses its html is changed.
 */
export function storedEntries(entries: Map<string, CacheEntry>, inFeeds: CachedArticle[], changed: Set<string>): Map<string, CacheEntry> {
  const keepHtml = new Set(inFeeds.map((a) => a.source));
  const stored = new Map<string, CacheEntry>();
  for (const [path, entry] of entries) {
    if (!entry.result.ok || entry.result.article.html === undefined || keepHtml.has(path)) {
      stored.set(path, entry);
      continue;
    }
    const { html: _html, ...article } = entry.result.article;
    stored.set(path, { ...entry, result: { ...entry.result, article } });
    changed.add(path);
  }
  return stored;
}

