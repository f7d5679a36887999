import type { IssueRecord, IssueSummary } from '../issue/types.ts';
import type { Settings } from '../settings.ts';
import type { IssueStore } from '../sending/ports.ts';
import { issueArchiveUrl } from '../urls.ts';
import { newsletterOfIssue, type NewsletterName } from './lists.ts';

/** Whether an issue's settings had SES count opens and clicks (the `digest.tracking` setting; off when absent). */
export interface Tracking {
  opens: boolean;
  clicks: boolean;
}

export function trackingOf(settings: Settings): Tracking {
  // Read loosely: the field is optional, and settings stored before it existed have none.
  const tracking = (settings.digest as { tracking?: { opens?: unknown; clicks?: unknown } }).tracking;
  return { opens: tracking?.opens === true, clicks: tracking?.clicks === true };
}

/** An issue's figures as the console and `newsletter issues` show them: recipients enqueued (`planned`), the sender's and SES's counts, opened/clicked only when tracked. */
export type IssueFigures = { planned: number } & Pick<IssueRecord, 'sent' | 'skipped' | 'failed' | 'delivered' | 'bounced' | 'complained' | 'rejected'> & Partial<Pick<IssueRecord, 'opened' | 'clicked'>>;

/** One issue, listed. */
export interface IssueRow {
  id: string;
  listId: string;
  newsletter: NewsletterName;
  subject: string;
  status: IssueSummary['status'];
  scheduledFor: Date;
  sentAt?: Date | undefined;
  pausedUntil?: Date | undefined;
  planComplete: boolean;
  articles: number;
  /** The issue's page on the site (its "view in browser" link). */
  archiveUrl: string;
  tracking: Tracking;
  figures: IssueFigures;
}

/**
 * Recipients enqueued so far, from the issue's first and last batch: the planner fills every batch
 * but the last to the batch size (it pages the confirmed subscribers by exactly that size), so
 * (batches − 1) × the first batch's size + the last batch's size. Two reads whatever the list's size.
 */
export async function plannedRecipients(issues: Pick<IssueStore, 'getBatch'>, issue: Pick<IssueSummary, 'id' | 'batchesPlanned'>): Promise<number> {
  const n = issue.batchesPlanned;
  if (n === 0) return 0;
  const [first, last] = await Promise.all([issues.getBatch(issue.id, 1), n === 1 ? undefined : issues.getBatch(issue.id, n)]);
  const size = first?.recipients.length ?? 0;
  return n === 1 ? size : (n - 1) * size + (last?.recipients.length ?? 0);
}

export function issueFigures(issue: IssueSummary, planned: number, tracking: Tracking): IssueFigures {
  const { sent, skipped, failed, delivered, bounced, complained, rejected } = issue;
  return {
    planned,
    sent,
    skipped,
    failed,
    delivered,
    bounced,
    complained,
    rejected,
    ...(tracking.opens ? { opened: issue.opened } : {}),
    ...(tracking.clicks ? { clicked: issue.clicked } : {}),
  };
}

/** The row of one issue, read from its full record (which carries the settings it was planned with). */
export async function issueRow(issues: Pick<IssueStore, 'getBatch'>, issue: IssueSummary & Partial<Pick<IssueRecord, 'settings'>>, settings: Settings): Promise<IssueRow> {
  const tracking = trackingOf(issue.settings ?? settings);
  return {
    id: issue.id,
    listId: issue.listId,
    newsletter: newsletterOfIssue(settings, issue),
    subject: issue.subject,
    status: issue.status,
    scheduledFor: issue.scheduledFor,
    sentAt: issue.sentAt,
    pausedUntil: issue.pausedUntil,
    planComplete: issue.planComplete,
    articles: issue.articles.length,
    archiveUrl: issueArchiveUrl(settings.siteUrl, issue.id),
    tracking,
    figures: issueFigures(issue, await plannedRecipients(issues, issue), tracking),
  };
}

/** A summary of a full record (what listings carry). */
export function summaryOf(record: IssueRecord): IssueSummary & Pick<IssueRecord, 'settings'> {
  const { content, ...rest } = record;
  return { ...rest, subject: content.subject, articles: content.articles };
}
