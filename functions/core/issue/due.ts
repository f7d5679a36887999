import type { Article } from '../articles/types.ts';
import type { DigestSettings } from '../settings.ts';
import { issueIdFor } from './id.ts';
import { IssueSchedule } from './schedule.ts';
import { issueWindow, selectIssueArticles, type IssueWindow } from './window.ts';

export interface DueIssue {
  id: string;
  scheduledFor: Date;
  window: IssueWindow;
  articles: Article[];
  /** Nothing fell in the issue due at that time, so the issue of the newest article is shown instead. */
  latestInstead: boolean;
}

/**
 * What a first issue sent at `at` would carry (no watermark: the look-back before its scheduled time),
 * named like `send --at` names it: after the latest scheduled time at or before `at`. When that issue
 * has nothing, the issue that carries the newest article instead (the next one, or a past one), so a
 * preview has something to show while there is any article at all. Nothing dated after `now` is taken.
 */
export function issueDueAt(articles: readonly Article[], digest: DigestSettings, at: Date, now: Date): DueIssue | undefined {
  const schedule = new IssueSchedule(digest.schedule);
  const due = (scheduledFor: Date, watermark: Date | undefined): Omit<DueIssue, 'latestInstead'> => {
    const window = issueWindow({ watermark, scheduledFor, lookbackDays: digest.lookbackDays, now });
    return { id: issueIdFor(scheduledFor), scheduledFor, window, articles: selectIssueArticles(articles, window, digest.maxArticles) };
  };
  const scheduled = schedule.latestAtOrBefore(at);
  if (scheduled) {
    const issue = due(scheduled, undefined);
    if (issue.articles.length > 0) return { ...issue, latestInstead: false };
  }
  const newest = articles.filter((a) => !a.draft && a.date.getTime() <= now.getTime()).sort((a, b) => b.date.getTime() - a.date.getTime())[0];
  if (!newest) return undefined;
  const carrying = schedule.atOrAfter(newest.date);
  if (!carrying) return undefined;
  return { ...due(carrying, schedule.before(carrying)), latestInstead: true };
}
