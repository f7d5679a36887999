import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Article } from '../articles/types.ts';
import type { ParseResult } from '../articles/parse.ts';

/**
 * The names under which a site output keeps the article cache (files: `.newsletter/article-cache.v8`
 * and `.newsletter/article-cache-changes.v8`): a base with every entry, and the entries changed since.
 */
export const CACHE_STATE = 'article-cache.v8';
export const CACHE_CHANGES_STATE = 'article-cache-changes.v8';
const FORMAT = 2;

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

interface Header {
  format: number;
  engine: string;
  keys: CacheKeys;
  /** Names the base that a file of changes applies to. */
  base: string;
}
type BaseFile = Header & { entries: [string, CacheEntry][] };
type ChangesFile = Header & { changes: [string, CacheEntry | null][] };

/** A saved file of this format and engine, or undefined. */
function read<T extends Header>(bytes: Uint8Array | undefined): T | undefined {
  if (!bytes) return undefined;
  try {
    const file = deserialize(bytes) as Partial<T>;
    return file.format === FORMAT && file.engine === process.versions.v8 && file.keys && typeof file.base === 'string' ? (file as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parsed articles by content path, keyed by the hash of their bytes and by everything else parsing
 * depends on (code version, settings). A cache saved under other keys is discarded: the next build
 * parses everything again. Saved with V8's serialiser (fast for many small records, keeps Dates) as a
 * base and a file of the entries changed since, so saving after one edit writes one entry, not all.
 */
export class ArticleCache {
  readonly entries: Map<string, CacheEntry>;
  /** Entries changed (null: removed) since the base was saved. */
  private readonly changes: Map<string, CacheEntry | null>;
  private base: string;
  /** Whether the base this cache builds on is saved (else the next save writes a base). */
  private baseSaved = false;

  constructor(
    readonly keys: CacheKeys,
    entries: Iterable<[string, CacheEntry]> = [],
    from?: { base: string; saved: boolean; changes: Iterable<[string, CacheEntry | null]> },
  ) {
    this.entries = new Map(entries);
    this.changes = new Map(from?.changes ?? []);
    this.base = from?.base ?? randomUUID();
    this.baseSaved = from?.saved ?? false;
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

  /**
   * The cache after a build that produced `entries` (under this cache's keys), of which the paths in
   * `changed` differ from this cache's; paths this cache has and `entries` lacks are removed.
   */
  next(entries: Map<string, CacheEntry>, changed: Iterable<string>): ArticleCache {
    const changes = new Map(this.changes);
    for (const path of changed) changes.set(path, entries.get(path) ?? null);
    for (const path of this.entries.keys()) if (!entries.has(path)) changes.set(path, null);
    return new ArticleCache(this.keys, entries, { base: this.base, saved: this.baseSaved, changes });
  }

  /**
   * The files to save now, or undefined when all is saved: the changes alone while they are few,
   * else a new base and an empty file of changes (the base to be saved first).
   */
  save(): { base?: Uint8Array; changes: Uint8Array } | undefined {
    const head = { format: FORMAT, engine: process.versions.v8, keys: this.keys };
    if (this.baseSaved && this.changes.size === 0) return undefined;
    if (this.baseSaved && this.changes.size <= Math.max(256, this.entries.size / 8)) {
      return { changes: serialize({ ...head, base: this.base, changes: [...this.changes] } satisfies ChangesFile) };
    }
    this.base = randomUUID();
    this.baseSaved = true;
    this.changes.clear();
    return {
      base: serialize({ ...head, base: this.base, entries: [...this.entries] } satisfies BaseFile),
      changes: serialize({ ...head, base: this.base, changes: [] } satisfies ChangesFile),
    };
  }

  /** A saved cache, or undefined when it is unreadable, from another engine, or of another format. */
  static parse(baseBytes: Uint8Array | undefined, changesBytes: Uint8Array | undefined): ArticleCache | undefined {
    const base = read<BaseFile>(baseBytes);
    if (!base || !Array.isArray(base.entries)) return undefined;
    const entries = new Map(base.entries);
    const file = read<ChangesFile>(changesBytes);
    const changes = file?.base === base.base && file.keys.parse === base.keys.parse && file.keys.page === base.keys.page && Array.isArray(file.changes) ? file.changes : [];
    for (const [path, entry] of changes) {
      if (entry) entries.set(path, entry);
      else entries.delete(path);
    }
    return new ArticleCache(base.keys, entries, { base: base.base, saved: true, changes });
  }
}
