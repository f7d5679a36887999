import type { Article } from '../articles/types.ts';

/** The newest instant in a list of articles: the feeds' `updated`/`lastBuildDate`, stable between builds. */
export function newestUpdate(articles: Article[]): Date {
  let newest = 0;
  for (const a of articles) newest = Math.max(newest, a.updated.getTime());
  return new Date(newest || Date.UTC(2000, 0, 1));
}

/** The generator every format names. */
export const GENERATOR = 'newsletter-publisher';
