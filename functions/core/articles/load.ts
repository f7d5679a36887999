import type { Settings } from '../settings.ts';
import { assembleArticles, isArticleCandidate, type LoadedContent } from './assemble.ts';
import { parseArticle, type ParseResult } from './parse.ts';
import type { ContentFile } from './types.ts';

export { assembleArticles, isArticleCandidate, isArticleFile, type LoadedContent, type ParsedAs, type Skipped } from './assemble.ts';

/** Parses one article file, or reports why it could not be read. */
export function parseContentFile(file: ContentFile, settings: Settings): ParseResult {
  if (file.unreadable !== undefined) return { ok: false, problem: { file: file.path, line: undefined, message: file.unreadable } };
  return parseArticle(file, settings);
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Parses every article file, reports each broken or unreadable one and leaves it out, and returns the
 * published articles newest first. Drafts and future-dated articles are listed as skipped, never published.
 */
export function loadArticles(files: Iterable<ContentFile>, settings: Settings, now: Date): LoadedContent {
  const parsed = [...files].filter(isArticleCandidate).sort(byPath).map((file) => ({ path: file.path, result: parseContentFile(file, settings) }));
  return assembleArticles(parsed, now);
}
