import type { Article, ContentProblem } from './types.ts';

export interface Skipped {
  file: string;
  reason: 'draft' | 'scheduled';
  date: Date;
}

export interface LoadedContent<A = Article> {
  /** Published articles, newest first. */
  articles: A[];
  /** Files left out because they are broken; each names the file and line. */
  problems: ContentProblem[];
  /** Files that were fixed up and kept. */
  warnings: ContentProblem[];
  /** Drafts and articles dated in the future: valid, not yet published. */
  skipped: Skipped[];
}

/** A parse result whose article may be held in another shape (e.g. a cached one without its html). */
export type ParsedAs<A> = { ok: true; article: A; warnings: ContentProblem[] } | { ok: false; problem: ContentProblem };

export function isArticleFile(path: string): boolean {
  return /^articles\/.+\.(md|markdown)$/i.test(path);
}

/** The files a build looks at: article files, and anything under `articles/` that could not be read. */
export function isArticleCandidate(file: { path: string; unreadable?: string | undefined }): boolean {
  return isArticleFile(file.path) || (file.unreadable !== undefined && file.path.startsWith('articles/'));
}

/**
 * The published set from parse results given in path order: duplicate slugs and ids reported (the
 * first file keeps its own), drafts and articles dated after `now` skipped, the rest newest first.
 */
export function assembleArticles<A extends Omit<Article, 'html'>>(parsed: Iterable<{ path: string; result: ParsedAs<A> }>, now: Date): LoadedContent<A> {
  const out: LoadedContent<A> = { articles: [], problems: [], warnings: [], skipped: [] };
  const slugOwners = new Map<string, string>();
  const idOwners = new Map<string, string>();
  for (const { path, result } of parsed) {
    if (!result.ok) {
      out.problems.push(result.problem);
      continue;
    }
    const { article } = result;
    const slugOwner = slugOwners.get(article.slug);
    if (slugOwner) {
      out.problems.push({ file: path, line: undefined, message: `duplicate slug "${article.slug}" (already used by ${slugOwner}): set a different \`slug:\`` });
      continue;
    }
    const idOwner = idOwners.get(article.id);
    if (idOwner) {
      out.problems.push({ file: path, line: undefined, message: `duplicate id "${article.id}" (already used by ${idOwner})` });
      continue;
    }
    slugOwners.set(article.slug, path);
    idOwners.set(article.id, path);
    out.warnings.push(...result.warnings);
    if (article.draft) out.skipped.push({ file: path, reason: 'draft', date: article.date });
    else if (article.date > now) out.skipped.push({ file: path, reason: 'scheduled', date: article.date });
    else out.articles.push(article);
  }
  out.articles.sort((a, b) => b.date.getTime() - a.date.getTime() || (a.slug < b.slug ? -1 : 1));
  return out;
}
