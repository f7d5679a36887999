import { loadArticles } from '../articles/load.ts';
import { renderIssueDueAt } from '../digest/preview.ts';
import { personaliseDigest } from '../digest/render.ts';
import { issueIdFor } from '../issue/id.ts';
import { IssueSchedule } from '../issue/schedule.ts';
import type { IssueContent } from '../issue/types.ts';
import { issueWindow } from '../issue/window.ts';
import { settingsFor, type Newsletter } from '../newsletters/list.ts';
import type { ContentSource, Logger, Mailer, TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { PlanningError } from '../sending/errors.ts';
import { scheduledIssueTime } from '../sending/plan.ts';
import type { IssueComposer, IssueStore } from '../sending/ports.ts';
import { normaliseEmail } from '../subscribers/identity.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import { unsubscribeUrl } from '../urls.ts';
import { AdminError } from './errors.ts';
import { allLists, chooseList, type NewsletterName } from './lists.ts';
import type { SendStart, SendStarter } from './ports.ts';
import { sendTestMessage } from './test-send.ts';

export interface SendDeps {
  settings: Settings;
  content: ContentSource;
  templates: TemplateSource;
  issues: IssueStore;
  subscribers: Pick<SubscriberStore, 'countByState'>;
  composer: IssueComposer;
  mailer: Mailer;
  tokenKey: string | Uint8Array;
  starter: SendStarter;
  log: Logger;
}

/**
 * Where the issue due now stands: `ready` to send; `sending` (planned, not yet sent to everyone: send
 * now resumes it); `sent`; `waiting` for an earlier issue still sending; `nothing` new since the last
 * issue (the preview then shows the newest issue there is, for a test).
 */
export type DueState = 'ready' | 'sending' | 'sent' | 'waiting' | 'nothing';

export interface DueIssueView {
  /** The newsletter whose issue is due; `newsletters`: every one there is, to choose from. */
  newsletter: NewsletterName;
  newsletters: NewsletterName[];
  issueId: string;
  scheduledFor: Date;
  state: DueState;
  /** The earlier issue still sending, when `waiting`. */
  openIssueId?: string | undefined;
  /** Confirmed subscribers now: who a send would mail when there is one newsletter, at most that when there are several (`recipientsAtMost`). */
  recipients: number;
  recipientsAtMost: boolean;
  /** What the preview and a test send show: the issue due, or with `nothing` the newest issue there is. */
  preview?: { issueId: string; subject: string; articles: { title: string; url: string; date: Date }[]; html: string; text: string } | undefined;
  nextSend?: Date | undefined;
}

const PREVIEW_READER = 'reader@example.com';

/** The issue due now, shown as it will look; a test to one address; and "send now" after a confirmation. */
export class SendService {
  constructor(private readonly deps: SendDeps) {}

  private scheduled(newsletter: Newsletter, now: Date): Date {
    try {
      return scheduledIssueTime(newsletter, now, now);
    } catch (error) {
      if (error instanceof PlanningError) throw new AdminError('conflict', error.message, { cause: error });
      throw error;
    }
  }

  /** What a send now would do, and the content it (or, with nothing due, a test) would carry. */
  private async dueContent(now: Date, newsletter: Newsletter): Promise<{ issueId: string; scheduledFor: Date; state: DueState; openIssueId?: string | undefined; shown?: { issueId: string; content: IssueContent } | undefined }> {
    const { issues, composer } = this.deps;
    const settings = settingsFor(this.deps.settings, newsletter);
    const scheduledFor = this.scheduled(newsletter, now);
    const issueId = issueIdFor(scheduledFor, newsletter.id);
    const existing = await issues.getIssue(issueId);
    if (existing) return { issueId, scheduledFor, state: existing.status === 'sent' ? 'sent' : 'sending', shown: { issueId, content: existing.content } };
    const list = await issues.getListState(newsletter.listId);
    const window = issueWindow({ watermark: list.watermark, scheduledFor, lookbackDays: settings.digest.lookbackDays, now });
    const composed = window.end > window.start ? (await composer.compose({ issueId, scheduledFor, window, newsletter })).content : undefined;
    if (composed) {
      const state: DueState = list.openIssueId && list.openIssueId !== issueId ? 'waiting' : 'ready';
      return { issueId, scheduledFor, state, openIssueId: state === 'waiting' ? list.openIssueId : undefined, shown: { issueId, content: composed } };
    }
    // Nothing new: the newest issue there is, as a first issue would carry it, still serves a test.
    const loaded = loadArticles(await this.deps.content.list(), settings, now);
    const latest = await renderIssueDueAt({ settings: this.deps.settings, articles: loaded.articles, templates: this.deps.templates, at: now, now, newsletter });
    return { issueId, scheduledFor, state: 'nothing', shown: latest && { issueId: latest.issue.id, content: latest.rendered } };
  }

  async due(now: Date, options: { newsletter?: string | undefined } = {}): Promise<DueIssueView> {
    const { settings } = this.deps;
    const { newsletter, definition } = chooseList(settings, options.newsletter);
    const lists = allLists(settings);
    const [due, counts] = await Promise.all([this.dueContent(now, definition), this.deps.subscribers.countByState()]);
    const shown = due.shown;
    const preview = shown && {
      issueId: shown.issueId,
      subject: shown.content.subject,
      articles: shown.content.articles.map((a) => ({ title: a.title, url: a.url, date: a.date })),
      ...personaliseDigest(shown.content, { email: PREVIEW_READER, unsubscribeUrl: unsubscribeUrl(settings.digest.apiUrl, 'preview') }),
    };
    const next = new IssueSchedule(definition.schedule).atOrAfter(new Date(now.getTime() + 1));
    return {
      newsletter,
      newsletters: lists.map((l) => l.newsletter),
      issueId: due.issueId,
      scheduledFor: due.scheduledFor,
      state: due.state,
      openIssueId: due.openIssueId,
      recipients: counts.confirmed,
      recipientsAtMost: lists.length > 1,
      preview,
      nextSend: next,
    };
  }

  /** Sends the issue due (or, with nothing due, the newest issue) to one address, marked as a test. */
  async test(rawAddress: unknown, now: Date, operator: string, options: { newsletter?: string | undefined } = {}): Promise<{ to: string; issueId: string; subject: string; messageId: string }> {
    const parsed = normaliseEmail(rawAddress);
    if (!parsed.ok) throw new AdminError('bad-request', `to: ${parsed.reason}`);
    const { settings } = this.deps;
    const { listId, definition } = chooseList(settings, options.newsletter);
    const due = await this.dueContent(now, definition);
    if (!due.shown) throw new AdminError('conflict', 'no article has been published yet: there is nothing to test');
    const existing = due.state === 'sent' || due.state === 'sending' ? await this.deps.issues.getIssue(due.issueId) : undefined;
    const sent = await sendTestMessage({
      mailer: this.deps.mailer,
      settings: existing?.settings ?? settingsFor(settings, definition),
      tokenKey: this.deps.tokenKey,
      listId,
      issueId: due.shown.issueId,
      content: due.shown.content,
      to: parsed.email,
      now,
    });
    this.deps.log.info('console: test send', { issueId: due.shown.issueId, operator });
    return { to: parsed.email, issueId: due.shown.issueId, ...sent };
  }

  /**
   * Sends the issue due now, once the operator has seen it: `confirmIssueId` must be the id the Send
   * page showed. Never a future issue: the time asked for is now (the planner refuses anything later).
   */
  async sendNow(confirmIssueId: unknown, now: Date, operator: string, options: { newsletter?: string | undefined } = {}): Promise<SendStart> {
    if (typeof confirmIssueId !== 'string' || confirmIssueId === '') throw new AdminError('bad-request', 'issueId: the id of the issue shown, to confirm the send');
    const { definition } = chooseList(this.deps.settings, options.newsletter);
    const due = await this.dueContent(now, definition);
    if (confirmIssueId !== due.issueId) throw new AdminError('conflict', `the issue due now is ${due.issueId}, not ${confirmIssueId}: look at it again before sending`);
    if (due.state === 'sent') throw new AdminError('conflict', `issue ${due.issueId} was already sent`);
    if (due.state === 'nothing') throw new AdminError('conflict', `issue ${due.issueId} has no new article since the last issue: nothing to send`);
    if (due.state === 'waiting') throw new AdminError('conflict', `issue ${due.openIssueId} is still sending: it must finish before ${due.issueId} goes out`);
    this.deps.log.info('console: send now', { issueId: due.issueId, operator });
    return this.deps.starter.start(due.issueId, now, definition.id);
  }
}
