import { IssueSchedule } from '../issue/schedule.ts';
import type { IssueSummary } from '../issue/types.ts';
import type { Settings } from '../settings.ts';
import type { IssueStore } from '../sending/ports.ts';
import type { SubscriberState } from '../subscribers/types.ts';
import { plannedRecipients, summaryOf } from './figures.ts';
import { weeklyGrowth, type ListGrowth, type WeekGrowth } from './growth.ts';
import { allLists, chooseList, newsletterOfIssue, type ListChoice, type NewsletterName } from './lists.ts';
import type { SubscriberTimeline } from './ports.ts';
import { RATE_WINDOW_DAYS, sendingRates, type SendingRates } from './rates.ts';

export interface OverviewDeps {
  settings: Settings;
  issues: IssueStore;
  timeline: SubscriberTimeline;
  /** How long the counts and weekly growth (a pass over the whole list) are reused, once the list is large. */
  growthCacheMs?: number;
  /** Lists smaller than this are read afresh every time (a pass over them takes well under a second). */
  growthCacheFrom?: number;
}

/** The issue being sent, as its record says now. */
export interface SendingNow {
  issueId: string;
  newsletter: NewsletterName;
  subject: string;
  status: IssueSummary['status'];
  planComplete: boolean;
  /** Recipients enqueued so far (all of them once planning is complete). */
  planned: number;
  /** sent + skipped + failed so far. */
  done: number;
  sent: number;
  skipped: number;
  failed: number;
  pausedUntil?: Date | undefined;
}

export interface Progress {
  /** The issue planned but not yet sent to everyone, if any. */
  sending?: SendingNow | undefined;
  /** The newest issue that was sent. */
  last?: SendingNow | undefined;
}

export interface Overview extends Progress {
  /** The publication's name and its newsletters (the figures are the whole list's, the issues every newsletter's). */
  publication: string;
  newsletters: NewsletterName[];
  counts: Record<SubscriberState, number>;
  /** `keptUntil`: when a large list's figures are read again (a small list's are read every time). */
  growth: { weeks: WeekGrowth[]; scanned: number; computedAt: Date; keptUntil?: Date | undefined };
  /** The soonest scheduled send of any newsletter. */
  nextSend?: { at: Date; timezone: string; newsletter: NewsletterName } | undefined;
  /** Over every newsletter's issues: SES and mailbox providers judge the account, not one newsletter. */
  rates: SendingRates;
}

export const GROWTH_CACHE_MS = 60_000;
export const GROWTH_CACHE_FROM = 5_000;

function sendingNow(issue: IssueSummary, planned: number, newsletter: NewsletterName): SendingNow {
  return {
    issueId: issue.id,
    newsletter,
    subject: issue.subject,
    status: issue.status,
    planComplete: issue.planComplete,
    planned,
    done: issue.sent + issue.skipped + issue.failed,
    sent: issue.sent,
    skipped: issue.skipped,
    failed: issue.failed,
    pausedUntil: issue.pausedUntil,
  };
}

/** What the operator looks at first: who is on the list, how it grows, what is sending, how mail fares. */
export class OverviewService {
  private cached: { at: number; growth: ListGrowth; kept: boolean } | undefined;

  constructor(private readonly deps: OverviewDeps) {}

  /** The open issue's progress (cheap enough to poll every second or two: a few small reads a newsletter). */
  async progress(options: { newsletter?: string | undefined } = {}): Promise<Progress> {
    const lists = options.newsletter === undefined ? allLists(this.deps.settings) : [chooseList(this.deps.settings, options.newsletter)];
    return this.progressAcross(await Promise.all(lists.map(async (list) => ({ list, newest: (await this.deps.issues.listIssues(list.listId, { limit: 2 })).issues }))));
  }

  /** The first issue sending of any newsletter, and the newest one sent. */
  private async progressAcross(lists: readonly { list: ListChoice; newest: readonly IssueSummary[] }[]): Promise<Progress> {
    const each = await Promise.all(lists.map(({ list, newest }) => this.progressOf(list.listId, newest)));
    const sending = each.find((p) => p.sending)?.sending;
    const last = each.filter((p) => p.last).sort((a, b) => b.lastAt - a.lastAt)[0]?.last;
    return { sending, last };
  }

  private async progressOf(listId: string, newest: readonly IssueSummary[]): Promise<Progress & { lastAt: number }> {
    const { issues, settings } = this.deps;
    const { openIssueId } = await issues.getListState(listId);
    const openSummary = openIssueId ? (newest.find((i) => i.id === openIssueId) ?? (await this.summary(openIssueId))) : undefined;
    const last = newest.find((i) => i.status === 'sent');
    const [sending, lastSent] = await Promise.all([
      openSummary ? plannedRecipients(issues, openSummary).then((planned) => sendingNow(openSummary, planned, newsletterOfIssue(settings, openSummary))) : undefined,
      last ? plannedRecipients(issues, last).then((planned) => sendingNow(last, planned, newsletterOfIssue(settings, last))) : undefined,
    ]);
    return { sending, last: lastSent, lastAt: last ? (last.sentAt ?? last.scheduledFor).getTime() : 0 };
  }

  private async summary(issueId: string): Promise<IssueSummary | undefined> {
    const record = await this.deps.issues.getIssue(issueId);
    return record ? summaryOf(record) : undefined;
  }

  async overview(now: Date): Promise<Overview> {
    const { settings } = this.deps;
    const lists = allLists(settings);
    const [growth, recent] = await Promise.all([this.growth(now), Promise.all(lists.map(async (list) => ({ list, newest: await this.recentIssues(list.listId, now) })))]);
    const progress = await this.progressAcross(recent);
    const next = lists
      .map((list) => ({ at: new IssueSchedule(list.definition.schedule).atOrAfter(now), timezone: list.definition.schedule.timezone, newsletter: list.newsletter }))
      .filter((n): n is { at: Date; timezone: string; newsletter: NewsletterName } => n.at !== undefined)
      .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
    return {
      publication: settings.title,
      newsletters: lists.map((l) => l.newsletter),
      counts: growth.growth.counts,
      growth: { weeks: growth.growth.weeks, scanned: growth.growth.scanned, computedAt: new Date(growth.at), keptUntil: growth.kept ? new Date(growth.at + (this.deps.growthCacheMs ?? GROWTH_CACHE_MS)) : undefined },
      nextSend: next,
      rates: sendingRates(recent.flatMap((r) => r.newest), now),
      ...progress,
    };
  }

  /**
   * The counts and weekly growth, from one pass over the list; for a list of GROWTH_CACHE_FROM records
   * or more, reused for GROWTH_CACHE_MS (at 100,000 the pass reads some 100 MB).
   */
  private async growth(now: Date): Promise<{ at: number; growth: ListGrowth; kept: boolean }> {
    const maxAge = this.deps.growthCacheMs ?? GROWTH_CACHE_MS;
    const cached = this.cached;
    if (cached && now.getTime() - cached.at < maxAge && now.getTime() >= cached.at) return cached;
    const growth = await weeklyGrowth(this.deps.timeline, now);
    const fresh = { at: now.getTime(), growth, kept: growth.scanned >= (this.deps.growthCacheFrom ?? GROWTH_CACHE_FROM) };
    this.cached = fresh.kept ? fresh : undefined;
    return fresh;
  }

  /** The newest issues back to RATE_WINDOW_DAYS days ago (at least the newest one). */
  private async recentIssues(listId: string, now: Date): Promise<IssueSummary[]> {
    const since = now.getTime() - RATE_WINDOW_DAYS * 86_400_000;
    const found: IssueSummary[] = [];
    let after: string | undefined;
    do {
      const page = await this.deps.issues.listIssues(listId, { limit: 10, after });
      found.push(...page.issues);
      after = page.cursor;
      if (page.issues.some((i) => i.scheduledFor.getTime() < since)) break;
    } while (after);
    return found;
  }
}
