import pLimit from 'p-limit';
import { loadArticles, type LoadedContent } from '../articles/load.ts';
import { DigestError } from '../digest/errors.ts';
import { archivedIssues, type ArchivedIssue } from '../digest/select.ts';
import { formatProblem } from '../articles/types.ts';
import { renderAtom } from '../feeds/atom.ts';
import { renderJsonFeed } from '../feeds/json.ts';
import { renderRss } from '../feeds/rss.ts';
import type { ContentSource, Logger, SiteOutput, TemplateSource } from '../ports.ts';
import { loadSettings, SETTINGS_FILE, type Settings } from '../settings.ts';
import { articlePath, FEED_PATHS, issueArchivePath } from '../urls.ts';
import { PAGE_TEMPLATE_FILES, renderArticlePage, renderIndexPage, renderIssuePage, type PageTemplates } from './pages.ts';

export interface BuildDeps {
  content: ContentSource;
  output: SiteOutput;
  templates: TemplateSource;
  log: Logger;
  /** Adjusts the settings read from the content (e.g. the local server's own URLs). */
  adjustSettings?: (settings: Settings) => Settings;
}

export interface BuildReport extends LoadedContent {
  settings: Settings;
  /** Paths written to the site output. */
  written: string[];
  /** Items each feed carries (at most the settings' `feedItems`). */
  feedItems: number;
  /** Digest issues given an archive page, newest first (the next one due included). */
  issues: ArchivedIssue[];
}

/** How many of the newest digest issues get an archive page: two years of a weekly digest. */
export const ARCHIVED_ISSUES = 104;

export const CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

export { loadSettings } from '../settings.ts';

export async function loadPageTemplates(templates: TemplateSource): Promise<PageTemplates> {
  const [layout, article, index, articleItem] = await Promise.all([
    templates.load(PAGE_TEMPLATE_FILES.layout),
    templates.load(PAGE_TEMPLATE_FILES.article),
    templates.load(PAGE_TEMPLATE_FILES.index),
    templates.load(PAGE_TEMPLATE_FILES.articleItem),
  ]);
  return { layout, article, index, articleItem };
}

/**
 * Builds the public site: RSS, Atom and JSON feeds of the newest articles, a page per article and an
 * index. Broken articles are reported and left out; everything else is still published.
 */
export async function buildSite(deps: BuildDeps, now: Date): Promise<BuildReport> {
  const loadedSettings = await loadSettings(deps.content);
  const settings = deps.adjustSettings ? deps.adjustSettings(loadedSettings) : loadedSettings;
  const [files, templates, stylesheet, issueTemplate] = await Promise.all([
    deps.content.list(),
    loadPageTemplates(deps.templates),
    deps.templates.load('style.css'),
    deps.templates.load('issue.html'),
  ]);
  const loaded = loadArticles(files, settings, now);
  for (const problem of loaded.problems) deps.log.error(formatProblem(problem), { file: problem.file, line: problem.line });
  for (const warning of loaded.warnings) deps.log.warn(formatProblem(warning), { file: warning.file, line: warning.line });

  const inFeeds = loaded.articles.slice(0, settings.feedItems);
  const written: string[] = [];
  const write = async (path: string, body: string, type: string) => {
    await deps.output.write(path, body, type);
    written.push(path);
  };
  const limit = pLimit(16);
  await Promise.all(
    loaded.articles.map((article) =>
      limit(() => write(articlePath(article.slug), renderArticlePage(templates, settings, article), CONTENT_TYPES.html)),
    ),
  );
  // Each digest issue's archive page (the email's "view in browser" link); see digest/select.ts.
  let issues: ArchivedIssue[] = [];
  try {
    issues = archivedIssues(loaded.articles, settings.digest, ARCHIVED_ISSUES);
  } catch (error) {
    if (!(error instanceof DigestError)) throw error;
    deps.log.error(`${SETTINGS_FILE}: ${error.message}; no issue archive pages written`);
  }
  await Promise.all(
    issues.map((issue) => limit(() => write(issueArchivePath(issue.id), renderIssuePage(templates, issueTemplate, settings, issue), CONTENT_TYPES.html))),
  );
  await write('index.html', renderIndexPage(templates, settings, loaded.articles), CONTENT_TYPES.html);
  await write('style.css', stylesheet, CONTENT_TYPES.css);
  // Feeds last: a reader never sees an item whose page is not there yet.
  await write(FEED_PATHS.rss, renderRss(settings, inFeeds), CONTENT_TYPES.rss);
  await write(FEED_PATHS.atom, renderAtom(settings, inFeeds), CONTENT_TYPES.atom);
  await write(FEED_PATHS.json, renderJsonFeed(settings, inFeeds), CONTENT_TYPES.json);
  deps.log.info('site built', {
    published: loaded.articles.length,
    inFeeds: inFeeds.length,
    problems: loaded.problems.length,
    skipped: loaded.skipped.length,
    issues: issues.length,
  });
  return { ...loaded, settings, written, feedItems: inFeeds.length, issues };
}
