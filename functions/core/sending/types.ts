import type { IssueEventCount } from '../issue/types.ts';

export interface Recipient {
  id: string;
  email: string;
  /**
   * Signed by the planner, so the delivery worker never holds the signing key (which could also make
   * confirmation links) and needs no secret to start.
   */
  unsubscribeToken: string;
  /** The signed preferences link's token, signed by the planner too (absent in batches planned before newsletters). */
  preferencesToken?: string | undefined;
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

/**
 * What a delivery record says: `sent` (SES's Send event recorded it, or any later event of the message),
 * `failed` (refused for good), `skipped` (no longer subscribed). `sending` and `released` are left only
 * by earlier versions, which claimed each recipient on their own record.
 */
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'skipped' | 'released';

/** One recipient's record as delivery reads it back. */
export interface RecordedDelivery {
  status: DeliveryStatus;
  /** When an earlier version claimed the recipient (status `sending`). */
  claimedAt?: Date | undefined;
}

/** The sender's counts on an issue: messages SES accepted, recipients skipped, failures. */
export const SENDER_COUNTS = ['sent', 'skipped', 'failed'] as const;
export type SenderCount = (typeof SENDER_COUNTS)[number];
export type SenderCounts = Record<SenderCount, number>;

/** What to add to an issue's counts: the sender's, or those SES's events add to. */
export type IssueCounts = Partial<Record<SenderCount | IssueEventCount, number>>;

/**
 * One chunk of a batch, as its claim records it. A batch is sent in chunks of a fixed size (the batch's
 * first claim records the size): chunk `i` holds the recipients at positions `i*size` to `(i+1)*size-1`.
 */
export interface ChunkState {
  /** `sending`: claimed by `by` at `at`; `partial`: `todo` is still to send; `done`: every recipient has an outcome. */
  status: 'sending' | 'partial' | 'done';
  /** The attempt that claimed or last recorded the chunk. */
  by: string;
  at: Date;
  /** Positions in the batch of the recipients still without an outcome; absent: the whole chunk. */
  todo?: number[] | undefined;
  /** Outcomes recorded on the chunk so far. */
  counts: SenderCounts;
}

/** The claims on one batch's chunks. */
export interface BatchClaims {
  /** Recipients per chunk, as the batch's first claim recorded it (absent: nothing claimed yet). */
  chunkSize?: number | undefined;
  chunks: ReadonlyMap<number, ChunkState>;
}

/** The part of an issue's record that delivery reads before each batch. */
export interface IssueTally {
  pausedUntil?: Date | undefined;
  /**
   * False for an issue planned by an earlier version (which claimed each recipient on their own record):
   * each chunk then reads its recipients' records before sending.
   */
  chunked: boolean;
}
