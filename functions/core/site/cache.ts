import { deserialize, serialize } from 'node:v8';
import type { Article } from '../articles/types.ts';
import type { ParseResult } from '../articles/parse.ts';

/** The name under which a site output keeps the article cache (files: `.newsletter/article-cache.v8`). */
export const CACHE_STATE = 'article-cache.v8';
const FORMAT = 1;

/** An article as the cache keeps it: the html only for articles that the feeds carry. */
export type CachedArticle = Omit<Article, 'html'> & { html?: string };
export type CachedResult = { ok: true; article: CachedArticle; warnings: Extract<ParseResult, { ok: true }>['warnings'] } | Extract<ParseResult, { ok: false }>;

export interface CacheEntry {
  /** The source's version of the bytes that were parsed (see ContentEntry.version). */
  version: string | undefined;
  /** Hash of those bytes. */
  hash: string;
  result: CachedResult;
  /** Hash of the article's page as rendered under the cache's page key, once rendered. */
  pageHash?: string | undefined;
}

/** The keys an entry is valid under: what parsing depends on, and what rendering a page depends on. */
export interface CacheKeys {
  parse: string;
  page: string;
}

interface CacheFile {
  format: number;
  engine: string;
  keys: CacheKeys;
  entries: [string, CacheEntry][];
}

/**
 * Parsed articles by content path, keyed by the hash of their bytes and by everything else parsing
 * depends on (code version, settings). A cache saved under other keys is discarded: the next build
 * parses everything again. Saved with V8's serialiser (fast for many small records, keeps Dates).
 */
export class ArticleCache {
  readonly entries: Map<string, CacheEntry>;

  constructor(
    readonly keys: CacheKeys,
    entries: Iterable<[string, CacheEntry]> = [],
  ) {
    this.entries = new Map(entries);
  }

  /** The cached result for these bytes of this file, if still valid. */
  lookup(path: string, hash: string): CacheEntry | undefined {
    const entry = this.entries.get(path);
    return entry?.hash === hash ? entry : undefined;
  }

  /** The cached result for this file when its version says the bytes are the ones parsed. */
  lookupVersion(path: string, version: string | undefined): CacheEntry | undefined {
    if (version === undefined) return undefined;
    const entry = this.entries.get(path);
    return entry?.version === version ? entry : undefined;
  }

  /** The same entries under new keys: all of them when only the page key changed, none otherwise. */
  rekey(keys: CacheKeys): ArticleCache {
    if (keys.parse !== this.keys.parse) return new ArticleCache(keys);
    if (keys.page === this.keys.page) return this;
    return new ArticleCache(keys, [...this.entries].map(([path, entry]) => [path, { ...entry, pageHash: undefined }]));
  }

  serialise(): Uint8Array {
    const file: CacheFile = { format: FORMAT, engine: process.versions.v8, keys: this.keys, entries: [...this.entries] };
    return serialize(file);
  }

  /** A saved cache, or undefined when it is unreadable, from another engine, or of another format. */
  static parse(bytes: Uint8Array | undefined): ArticleCache | undefined {
    if (!bytes) return undefined;
    try {
      const file = deserialize(bytes) as Partial<CacheFile>;
      if (file.format !== FORMAT || file.engine !== process.versions.v8 || !file.keys || !Array.isArray(file.entries)) return undefined;
      return new ArticleCache(file.keys, file.entries);
    } catch {
      return undefined;
    }
  }
}
