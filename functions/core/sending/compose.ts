import { loadArticles } from '../articles/load.ts';
import { formatProblem } from '../articles/types.ts';
import { renderDigest } from '../digest/render.ts';
import { loadEmailTemplate } from '../digest/templates.ts';
import { selectIssueArticles, type IssueWindow } from '../issue/window.ts';
import { carries, settingsFor, type Newsletter } from '../newsletters/list.ts';
import type { ContentSource, Logger, TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import type { ComposedIssue, IssueComposer } from './ports.ts';

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

/** Chooses an issue's articles from the content (those its newsletter carries) and renders the digest template once (MJML). */
export class ContentIssueComposer implements IssueComposer {
  constructor(private readonly deps: ComposerDeps) {}

  async compose(input: { issueId: string; scheduledFor: Date; window: IssueWindow; newsletter: Newsletter }): Promise<ComposedIssue> {
    const { content, templates, log } = this.deps;
    const settings = settingsFor(this.deps.settings, input.newsletter);
    const [files, published] = await Promise.all([content.list(), this.deps.published?.()]);
    const all = loadArticles(files, settings, input.window.end);
    for (const problem of all.problems) log.warn(formatProblem(problem));
    const loaded = { articles: all.articles.filter((a) => carries(input.newsletter, a)) };
    // An article in the window that the site has not published yet waits for the next issue: this
    // issue's window (and so the watermark) ends just before the first of them.
    const waiting = published ? selectIssueArticles(loaded.articles.filter((a) => !published.has(a.id)), input.window, Number.MAX_SAFE_INTEGER) : [];
    const until = waiting.length > 0 ? new Date(Math.min(...waiting.map((a) => a.date.getTime())) - 1) : input.window.end;
    if (waiting.length > 0) log.info('articles not yet on the site wait for the next issue', { issueId: input.issueId, waiting: waiting.length });
    const articles = selectIssueArticles(loaded.articles, { start: input.window.start, end: until }, settings.digest.maxArticles);
    if (articles.length === 0) return { content: undefined, until };
    const template = await loadEmailTemplate(templates, 'digest.mjml');
    const rendered = await renderDigest({ settings, newsletter: input.newsletter, issueId: input.issueId, articles, scheduledTime: input.scheduledFor, template });
    log.info('digest rendered', { issueId: input.issueId, newsletter: input.newsletter.id, articles: rendered.articles.length, cards: rendered.cards, htmlBytes: Buffer.byteLength(rendered.html), mode: rendered.mode });
    return { content: rendered, until };
  }
}
