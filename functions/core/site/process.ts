import { parseContentFile } from '../articles/load.ts';
import type { ParseResult } from '../articles/parse.ts';
import type { VersionedFile } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { contentHash } from './hash.ts';
import { renderArticlePage, type PageTemplates } from './pages.ts';

/** What every article of one build is processed with. Plain data: it is posted to worker threads. */
export interface ProcessContext {
  settings: Settings;
  templates: PageTemplates;
  /** Pages are rendered only for articles published at this time (ms since the epoch). */
  now: number;
}

/** One article file, parsed, with its page when it is published. */
export interface ProcessedFile {
  path: string;
  version: string | undefined;
  /** Hash of the file's bytes: the cache key. */
  hash: string;
  result: ParseResult;
  /** The rendered page (UTF-8) and its hash, for an article published at the context's `now`. */
  page?: { body: Uint8Array; hash: string };
}

const encoder = new TextEncoder();

/** Parses one file and renders its page when it is due. Never throws: a failure is the file's problem. */
export function processFile(file: VersionedFile, context: ProcessContext): ProcessedFile {
  const hash = contentHash(file.bytes);
  let result: ParseResult;
  try {
    result = parseContentFile(file, context.settings);
  } catch (error) {
    // The parser reports what it recognises; anything else (a stack overflow on absurd nesting) is this file's problem only.
    result = { ok: false, problem: { file: file.path, line: undefined, message: `cannot be parsed: ${(error as Error).message}` } };
  }
  const out: ProcessedFile = { path: file.path, version: file.version, hash, result };
  if (result.ok && !result.article.draft && result.article.date.getTime() <= context.now) {
    const body = encoder.encode(renderArticlePage(context.templates, context.settings, result.article));
    out.page = { body, hash: contentHash(body) };
  }
  return out;
}

/** Runs processFile over many files, perhaps on other threads; results arrive in batches, in any order. */
export interface ArticleProcessor {
  /** About `count` files will follow: a processor with threads may start them now, while they are read. */
  prepare?(count: number): void;
  run(files: VersionedFile[], context: ProcessContext, onResults: (results: ProcessedFile[]) => void): Promise<void>;
  close?(): Promise<void>;
}

/** Processing on the calling thread. */
export const inProcessProcessor: ArticleProcessor = {
  async run(files, context, onResults) {
    for (const file of files) onResults([processFile(file, context)]);
  },
};
