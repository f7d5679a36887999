import { Cron } from 'croner';
import type { Article } from '../articles/types.ts';
import type { DigestSettings } from '../settings.ts';
import { DigestError } from './errors.ts';

const DAY_MS = 86_400_000;

export interface SelectionOptions {
  /** The scheduled time of the previous sent issue; undefined before the first issue. */
  watermark: Date | undefined;
  /** The scheduled time of this issue. */
  sendTime: Date;
  maxArticles: number;
  lookbackDays: number;
}

/** Where an issue's window opens: the watermark, or `sendTime - lookbackDays` before the first issue. */
export function issueWindowStart(opts: Pick<SelectionOptions, 'watermark' | 'sendTime' | 'lookbackDays'>): Date {
  return opts.watermark ?? new Date(opts.sendTime.getTime() - opts.lookbackDays * DAY_MS);
}

/**
 * The articles one issue carries: published after the watermark (before the first issue, after
 * `sendTime - lookbackDays`) and at or before the send time, newest first, at most `maxArticles`.
 * An empty result means there is no issue.
 */
export function selectIssueArticles(articles: readonly Article[], opts: SelectionOptions): Article[] {
  const after = issueWindowStart(opts).getTime();
  const until = opts.sendTime.getTime();
  return articles
    .filter((a) => !a.draft && a.date.getTime() > after && a.date.getTime() <= until)
    .sort((a, b) => b.date.getTime() - a.date.getTime() || (a.slug < b.slug ? -1 : 1))
    .slice(0, opts.maxArticles);
}

/** The id of the issue scheduled at `scheduledTime`: UTC to the minute, URL-safe, e.g. `2024-11-25T0700Z`. */
export function issueIdFor(scheduledTime: Date): string {
  const iso = scheduledTime.toISOString();
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/** The scheduled time an issue id stands for; undefined when it is not an issue id. */
export function issueTime(issueId: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})Z$/.exec(issueId);
  if (!m) return undefined;
  const date = new Date(`${m[1]}T${m[2]}:${m[3]}:00Z`);
  return Number.isNaN(date.getTime()) || issueIdFor(date) !== issueId ? undefined : date;
}

/** The digest schedule (cron in its IANA time zone), able to say when issues go out. */
export class IssueSchedule {
  private readonly cron: Cron;

  constructor(schedule: DigestSettings['schedule']) {
    try {
      this.cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
    } catch (cause) {
      throw new DigestError(`digest.schedule.cron: "${schedule.cron}" is not a cron pattern: ${(cause as Error).message}`, { cause });
    }
  }

  /** The first scheduled time at or after `time`. */
  atOrAfter(time: Date): Date | undefined {
    return this.cron.nextRun(new Date(time.getTime() - 1)) ?? undefined;
  }

  /** The last scheduled time strictly before `time`. */
  before(time: Date): Date | undefined {
    return this.cron.previousRuns(1, time)[0];
  }
}

export interface ArchivedIssue {
  id: string;
  scheduledTime: Date;
  articles: Article[];
}

/**
 * The issues that get an archive page, derived from the articles alone: each scheduled time that had
 * articles in (previous scheduled time, scheduled time] is one issue, carrying the newest
 * `maxArticles` of them. An issue skipped because it had no articles leaves the watermark where it
 * was, so these windows are the ones the sender uses. The issue not yet due is included with the
 * articles published so far, so its page is there the moment the email goes out. Newest first, at
 * most `limit` issues.
 */
export function archivedIssues(articles: readonly Article[], digest: DigestSettings, limit: number): ArchivedIssue[] {
  const schedule = new IssueSchedule(digest.schedule);
  const newestFirst = articles.filter((a) => !a.draft).sort((a, b) => b.date.getTime() - a.date.getTime() || (a.slug < b.slug ? -1 : 1));
  const issues: ArchivedIssue[] = [];
  let current: { issue: ArchivedIssue; from: number } | undefined;
  for (const article of newestFirst) {
    if (current && article.date.getTime() > current.from) {
      if (current.issue.articles.length < digest.maxArticles) current.issue.articles.push(article);
      continue;
    }
    if (issues.length === limit) break;
    const scheduled = schedule.atOrAfter(article.date);
    if (!scheduled) break;
    const issue: ArchivedIssue = { id: issueIdFor(scheduled), scheduledTime: scheduled, articles: [article] };
    issues.push(issue);
    current = { issue, from: schedule.before(scheduled)?.getTime() ?? Number.NEGATIVE_INFINITY };
  }
  return issues;
}

export interface DueIssue {
  id: string;
  scheduledTime: Date;
  articles: Article[];
  /** True when nothing fell in the look-back and the latest issue with articles was taken. */
  latestInstead: boolean;
}

/**
 * The issue a first send at `at` would carry: the articles of the look-back before `at`, named after
 * the scheduled time at or after `at` (whose archive page the site build writes). When the look-back
 * is empty, the issue that carried the newest article instead (its schedule window, as on its archive
 * page), so a preview has something to show while there is any article at all.
 */
export function issueDueAt(articles: readonly Article[], digest: DigestSettings, at: Date): DueIssue | undefined {
  const opts = { maxArticles: digest.maxArticles, lookbackDays: digest.lookbackDays };
  const schedule = new IssueSchedule(digest.schedule);
  const now = selectIssueArticles(articles, { ...opts, watermark: undefined, sendTime: at });
  if (now.length > 0) {
    const scheduled = schedule.atOrAfter(at) ?? at;
    return { id: issueIdFor(scheduled), scheduledTime: scheduled, articles: now, latestInstead: false };
  }
  const newest = articles.filter((a) => !a.draft && a.date.getTime() <= at.getTime()).sort((a, b) => b.date.getTime() - a.date.getTime())[0];
  if (!newest) return undefined;
  const scheduled = schedule.atOrAfter(newest.date) ?? at;
  const chosen = selectIssueArticles(articles, { ...opts, watermark: schedule.before(scheduled), sendTime: new Date(Math.min(scheduled.getTime(), at.getTime())) });
  return { id: issueIdFor(scheduled), scheduledTime: scheduled, articles: chosen, latestInstead: true };
}
