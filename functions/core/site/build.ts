import pLimit from 'p-limit';
import { loadArticles, type LoadedContent } from '../articles/load.ts';
import { formatProblem } from '../articles/types.ts';
import { renderAtom } from '../feeds/atom.ts';
import { renderJsonFeed } from '../feeds/json.ts';
import { renderRss } from '../feeds/rss.ts';
import type { ContentSource, Logger, SiteOutput, TemplateSource } from '../ports.ts';
import { loadSettings, type Settings } from '../settings.ts';
import { articlePath, FEED_PATHS } from '../urls.ts';
import { loadPageTemplates, renderArticlePage, renderIndexPage } from './pages.ts';

export { loadPageTemplates } from './pages.ts';

export interface BuildDeps {
  content: ContentSource;
  output: SiteOutput;
  templates: TemplateSource;
  log: Logger;
  /** Adjusts the settings read from the content (e.g. the local server's own URLs). */
  adjustSettings?: (settings: Settings) => Settings;
  /**
   * The digest's archive (issue pages from the store's records, see issue/publish.ts), where the site is
   * built beside the store; absent (`newsletter build` alone), the build leaves issues/ as it is.
   */
  archive?: { publishAll(published: ReadonlySet<string>): Promise<string[]> } | undefined;
}

export interface BuildReport extends LoadedContent {
  settings: Settings;
  /** Paths written to the site output. */
  written: string[];
  /** Items each feed carries (at most the settings' `feedItems`). */
  feedItems: number;
  /** Paths of the digest's archive written (its pages, index and feed); empty without an archive. */
  archived: string[];
}

export const CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

export { loadSettings } from '../settings.ts';

/**
 * Builds the public site: RSS, Atom and JSON feeds of the newest articles, a page per article and an
 * index. Broken articles are reported and left out; everything else is still published.
 */
export async function buildSite(deps: BuildDeps, now: Date): Promise<BuildReport> {
  const loadedSettings = await loadSettings(deps.content);
  const settings = deps.adjustSettings ? deps.adjustSettings(loadedSettings) : loadedSettings;
  const [files, templates, stylesheet] = await Promise.all([deps.content.list(), loadPageTemplates(deps.templates), deps.templates.load('style.css')]);
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
  // The digest's archive, from the issues actually sent (their records), linking only what is still published.
  const archived = deps.archive ? await deps.archive.publishAll(new Set(loaded.articles.map((a) => a.id))) : [];
  await write('index.html', renderIndexPage(templates, settings, loaded.articles, { archive: deps.archive !== undefined }), CONTENT_TYPES.html);
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
    archived: archived.length,
  });
  return { ...loaded, settings, written, feedItems: inFeeds.length, archived };
}
