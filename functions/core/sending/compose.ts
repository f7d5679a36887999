import { loadArticles } from '../articles/load.ts';
import { formatProblem } from '../articles/types.ts';
import { renderDigest } from '../digest/render.ts';
import { loadEmailTemplate } from '../digest/templates.ts';
import type { IssueContent } from '../issue/types.ts';
import { selectIssueArticles, type IssueWindow } from '../issue/window.ts';
import type { ContentSource, Logger, TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import type { IssueComposer } from './ports.ts';

export interface ComposerDeps {
  settings: Settings;
  content: ContentSource;
  templates: TemplateSource;
  log: Logger;
  /**
   * Ids of the articles the site has published (its build manifest), when the site can tell: an issue
   * carries only those, so no link in the mail points at a page that is not there yet.
   */
  published?: () => Promise<ReadonlySet<string> | undefined>;
}

/** Chooses an issue's articles from the content and renders the digest template once (MJML). */
export class ContentIssueComposer implements IssueComposer {
  constructor(private readonly deps: ComposerDeps) {}

  async compose(input: { issueId: string; scheduledFor: Date; window: IssueWindow }): Promise<IssueContent | undefined> {
    const { settings, content, templates, log } = this.deps;
    const [files, published] = await Promise.all([content.list(), this.deps.published?.()]);
    const loaded = loadArticles(files, settings, input.window.end);
    for (const problem of loaded.problems) log.warn(formatProblem(problem));
    const onSite = published ? loaded.articles.filter((a) => published.has(a.id)) : loaded.articles;
    if (published && onSite.length < loaded.articles.length) {
      log.info('articles not yet on the site wait for the next issue', { issueId: input.issueId, waiting: loaded.articles.length - onSite.length });
    }
    const articles = selectIssueArticles(onSite, input.window, settings.digest.maxArticles);
    if (articles.length === 0) return undefined;
    const template = await loadEmailTemplate(templates, 'digest.mjml');
    const rendered = await renderDigest({ settings, issueId: input.issueId, articles, scheduledTime: input.scheduledFor, template });
    log.info('digest rendered', { issueId: input.issueId, articles: rendered.articles.length, cards: rendered.cards, htmlBytes: Buffer.byteLength(rendered.html), mode: rendered.mode });
    return rendered;
  }
}
