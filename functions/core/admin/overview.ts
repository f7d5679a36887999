import { IssueSchedule } from '../issue/schedule.ts';
import type { IssueSummary } from '../issue/types.ts';
import type { Settings } from '../settings.ts';
import type { IssueStore } from '../sending/ports.ts';
import type { SubscriberState } from '../subscribers/types.ts';
import { plannedRecipients, summaryOf } from './figures.ts';
import { weeklyGrowth, type ListGrowth, type WeekGrowth } from './growth.ts';
import { chooseList } from './lists.ts';
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
  newsletter: { id: string; name: string };
  counts: Record<SubscriberState, number>;
  /** `keptUntil`: when a large list's figures are read again (a small list's are read every time). */
  growth: { weeks: WeekGrowth[]; scanned: number; computedAt: Date; keptUntil?: Date | undefined };
  nextSend?: { at: Date; timezone: string } | undefined;
  rates: SendingRates;
}

export const GROWTH_CACHE_MS = 60_000;
export const GROWTH_CACHE_FROM = 5_000;

function sendingNow(issue: IssueSummary, planned: number): SendingNow {
  return {
    issueId: issue.id,
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
  private cached: { listId: string; at: number; growth: ListGrowth; kept: boolean } | undefined;

  constructor(private readonly deps: OverviewDeps) {}

  /** The open issue's progress (cheap enough to poll every second or two: a few small reads). */
  async progress(options: { newsletter?: string | undefined } = {}): Promise<Progress> {
    const { listId } = chooseList(this.deps.settings, options.newsletter);
    return this.progressOf(listId, (await this.deps.issues.listIssues(listId, { limit: 2 })).issues);
  }

  private async progressOf(listId: string, newest: readonly IssueSummary[]): Promise<Progress> {
    const { issues } = this.deps;
    const { openIssueId } = await issues.getListState(listId);
    const openSummary = openIssueId ? (newest.find((i) => i.id === openIssueId) ?? (await this.summary(openIssueId))) : undefined;
    const last = newest.find((i) => i.status === 'sent');
    const [sending, lastSent] = await Promise.all([
      openSummary ? plannedRecipients(issues, openSummary).then((planned) => sendingNow(openSummary, planned)) : undefined,
      last ? plannedRecipients(issues, last).then((planned) => sendingNow(last, planned)) : undefined,
    ]);
    return { sending, last: lastSent };
  }

  private async summary(issueId: string): Promise<IssueSummary | undefined> {
    const record = await this.deps.issues.getIssue(issueId);
    return record ? summaryOf(record) : undefined;
  }

  async overview(now: Date, options: { newsletter?: string | undefined } = {}): Promise<Overview> {
    const { settings } = this.deps;
    const { newsletter, listId } = chooseList(settings, options.newsletter);
    const [growth, recent] = await Promise.all([this.growth(listId, now), this.recentIssues(listId, now)]);
    const progress = await this.progressOf(listId, recent);
    const schedule = settings.digest.schedule;
    const next = new IssueSchedule(schedule).atOrAfter(now);
    return {
      newsletter,
      counts: growth.growth.counts,
      growth: { weeks: growth.growth.weeks, scanned: growth.growth.scanned, computedAt: new Date(growth.at), keptUntil: growth.kept ? new Date(growth.at + (this.deps.growthCacheMs ?? GROWTH_CACHE_MS)) : undefined },
      nextSend: next ? { at: next, timezone: schedule.timezone } : undefined,
      rates: sendingRates(recent, now),
      ...progress,
    };
  }

  /**
   * The counts and weekly growth, from one pass over the list; for a list of GROWTH_CACHE_FROM records
   * or more, reused for GROWTH_CACHE_MS (at 100,000 the pass reads some 100 MB).
   */
  private async growth(listId: string, now: Date): Promise<{ at: number; growth: ListGrowth; kept: boolean }> {
    const maxAge = this.deps.growthCacheMs ?? GROWTH_CACHE_MS;
    const cached = this.cached;
    if (cached && cached.listId === listId && now.getTime() - cached.at < maxAge && now.getTime() >= cached.at) return cached;
    const growth = await weeklyGrowth(this.deps.timeline, now);
    const fresh = { listId, at: now.getTime(), growth, kept: growth.scanned >= (this.deps.growthCacheFrom ?? GROWTH_CACHE_FROM) };
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
