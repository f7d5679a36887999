import type { Settings } from '../settings.ts';

/** One digest send, keyed by its scheduled time (so a repeated schedule event plans nothing twice). */
export interface IssueRecord {
  id: string;
  /** The publication settings it was planned with: delivery needs nothing but the issue. */
  settings: Settings;
  listId: string;
  scheduledFor: Date;
  /** Articles published after this (exclusive)… */
  windowStart: Date;
  /** …and at or before this (inclusive); the list's watermark once the issue is sent. */
  windowEnd: Date;
  articleIds: string[];
  /** Rendered once per issue. */
  subject: string;
  html: string;
  text: string;
  status: 'planning' | 'sending' | 'sent';
  /** Batches enqueued so far, and whether every subscriber page has been enqueued. */
  batchesPlanned: number;
  planComplete: boolean;
  /** Where paging through confirmed subscribers resumes (opaque). */
  planCursor?: string | undefined;
  batchesDone: number;
  sent: number;
  skipped: number;
  failed: number;
  /** Set while SES's daily quota is exhausted: deliveries wait until then. */
  pausedUntil?: Date | undefined;
  createdAt: Date;
  sentAt?: Date | undefined;
}

export interface Recipient {
  id: string;
  email: string;
  /**
   * Signed by the planner, so the delivery worker never holds the signing key (which could also make
   * confirmation links) and needs no secret to start.
   */
  unsubscribeToken: string;
}

/** What travels on the queue: one batch of one issue. */
export interface BatchMessage {
  issueId: string;
  batch: number;
  recipients: Recipient[];
}

export interface ListState {
  /** End of the last sent issue's window: the next issue starts after it. */
  watermark?: Date | undefined;
  lastIssueId?: string | undefined;
  /** An issue that is planned but not yet sent to everyone. */
  openIssueId?: string | undefined;
}

export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'skipped' | 'released';

export type ClaimOutcome = 'claimed' | 'sent' | 'failed' | 'skipped' | 'busy';

export interface IssueCounts {
  sent?: number;
  skipped?: number;
  failed?: number;
}
