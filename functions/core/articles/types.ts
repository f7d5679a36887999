/** One published piece, as every output (feeds, pages, digest) sees it. */
export interface Article {
  /** Permanent id (tag URI); never changes when the article is edited. */
  id: string;
  slug: string;
  /** Plain text. */
  title: string;
  /** Publication time. */
  date: Date;
  /** Last substantive edit; equals `date` when never updated. */
  updated: Date;
  author: string | undefined;
  /** Plain text, about 300 characters. */
  summary: string;
  tags: string[];
  /** Absolute image URL. */
  image: string | undefined;
  /** Sanitised HTML with absolute URLs. */
  html: string;
  /** Absolute URL of the article's page. */
  url: string;
  /** The content file this came from, relative to the content directory. */
  source: string;
  draft: boolean;
}

/** One reported problem with one content file. Its article is left out; nothing else is. */
export interface ContentProblem {
  file: string;
  line: number | undefined;
  message: string;
}

export function formatProblem(problem: ContentProblem): string {
  return `${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`;
}

/** A raw content file as a content source hands it over. */
export interface ContentFile {
  /** Path relative to the content directory, with forward slashes. */
  path: string;
  bytes: Uint8Array;
  /** Set when the file could not be read safely; bytes is then empty. */
  unreadable?: string;
}
