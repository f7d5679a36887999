import { loadArticles } from '../articles/load.ts';
import { formatProblem } from '../articles/types.ts';
import { renderDigest } from '../digest/render.ts';
import { issueWindowStart, selectIssueArticles } from '../digest/select.ts';
import { loadEmailTemplate } from '../digest/templates.ts';
import type { ContentSource, Logger, TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import type { ComposedIssue, IssueComposer } from './ports.ts';

/** Chooses an issue's articles from the content and renders the digest template once (MJML). */
export class ContentIssueComposer implements IssueComposer {
  constructor(
    private readonly deps: { settings: Settings; content: ContentSource; templates: TemplateSource; log: Logger },
  ) {}

  async compose(input: { issueId: string; watermark: Date | undefined; sendTime: Date }): Promise<ComposedIssue | undefined> {
    const { settings, content, templates, log } = this.deps;
    const loaded = loadArticles(await content.list(), settings, input.sendTime);
    for (const problem of loaded.problems) log.warn(formatProblem(problem));
    const window = { watermark: input.watermark, sendTime: input.sendTime, lookbackDays: settings.digest.lookbackDays };
    const articles = selectIssueArticles(loaded.articles, { ...window, maxArticles: settings.digest.maxArticles });
    if (articles.length === 0) return undefined;
    const template = await loadEmailTemplate(templates, 'digest.mjml');
    const rendered = await renderDigest({ settings, issueId: input.issueId, articles, scheduledTime: input.sendTime, template });
    log.info('digest rendered', { issueId: input.issueId, articles: rendered.articleCount, htmlBytes: rendered.htmlBytes, mode: rendered.mode });
    return {
      windowStart: issueWindowStart(window),
      articleIds: articles.map((a) => a.id),
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
    };
  }
}
