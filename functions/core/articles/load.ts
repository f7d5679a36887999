import type { Settings } from '../settings.ts';
import { parseArticle } from './parse.ts';
import type { Article, ContentFile, ContentProblem } from './types.ts';

export interface Skipped {
  file: string;
  reason: 'draft' | 'scheduled';
  date: Date;
}

export interface LoadedContent {
  /** Published articles, newest first. */
  articles: Article[];
  /** Files left out because they are broken; each names the file and line. */
  problems: ContentProblem[];
  /** Files that were fixed up and kept. */
  warnings: ContentProblem[];
  /** Drafts and articles dated in the future: valid, not yet published. */
  skipped: Skipped[];
}

export function isArticleFile(path: string): boolean {
  return /^articles\/.+\.(md|markdown)$/i.test(path);
}

/**
 * Parses every article file, reports each broken one and leaves it out, and returns the published
 * articles newest first. Drafts and future-dated articles are listed as skipped, never published.
 */
export function loadArticles(files: Iterable<ContentFile>, settings: Settings, now: Date): LoadedContent {
  const sorted = [...files].filter((f) => isArticleFile(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  const out: LoadedContent = { articles: [], problems: [], warnings: [], skipped: [] };
  const slugOwners = new Map<string, string>();
  const idOwners = new Map<string, string>();
  for (const file of sorted) {
    const result = parseArticle(file, settings);
    if (!result.ok) {
      out.problems.push(result.problem);
      continue;
    }
    const { article } = result;
    const slugOwner = slugOwners.get(article.slug);
    if (slugOwner) {
      out.problems.push({ file: file.path, line: undefined, message: `duplicate slug "${article.slug}" (already used by ${slugOwner}): set a different \`slug:\`` });
      continue;
    }
    const idOwner = idOwners.get(article.id);
    if (idOwner) {
      out.problems.push({ file: file.path, line: undefined, message: `duplicate id "${article.id}" (already used by ${idOwner})` });
      continue;
    }
    slugOwners.set(article.slug, file.path);
    idOwners.set(article.id, file.path);
    out.warnings.push(...result.warnings);
    if (article.draft) out.skipped.push({ file: file.path, reason: 'draft', date: article.date });
    else if (article.date > now) out.skipped.push({ file: file.path, reason: 'scheduled', date: article.date });
    else out.articles.push(article);
  }
  out.articles.sort((a, b) => b.date.getTime() - a.date.getTime() || (a.slug < b.slug ? -1 : 1));
  return out;
}
