import type { Article } from '../articles/types.ts';

const DAY_MS = 86_400_000;

export interface IssueWindow {
  /** Articles published after this (exclusive)… */
  start: Date;
  /** …and at or before this (inclusive): the list's watermark once the issue is sent. Never after the time it was planned. */
  end: Date;
}

/**
 * The window of the issue scheduled at `scheduledFor`: from the watermark (before the first issue,
 * `lookbackDays` before the scheduled time) to the scheduled time, but never past `now`: nothing dated
 * after the real current time is ever carried, whatever time a send asks for.
 */
export function issueWindow(input: { watermark: Date | undefined; scheduledFor: Date; lookbackDays: number; now: Date }): IssueWindow {
  const end = new Date(Math.min(input.scheduledFor.getTime(), input.now.getTime()));
  const start = input.watermark ?? new Date(input.scheduledFor.getTime() - input.lookbackDays * DAY_MS);
  return { start, end };
}

/** The articles one issue carries: in its window, not drafts, newest first, at most `maxArticles`. */
export function selectIssueArticles(articles: readonly Article[], window: IssueWindow, maxArticles: number): Article[] {
  const after = window.start.getTime();
  const until = window.end.getTime();
  return articles
    .filter((a) => !a.draft && a.date.getTime() > after && a.date.getTime() <= until)
    .sort((a, b) => b.date.getTime() - a.date.getTime() || (a.slug < b.slug ? -1 : 1))
    .slice(0, maxArticles);
}
