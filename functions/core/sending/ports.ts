import type { IssueContent, IssueRecord, IssueSummary } from '../issue/types.ts';
import type { IssueWindow } from '../issue/window.ts';
import type { Newsletter } from '../newsletters/list.ts';
import type { BatchMessage, ClaimOutcome, DeliveryStatus, IssueCounts, ListState } from './types.ts';

/** Issues, their batches and the list's watermark. Every write that matters is conditional. */
export interface IssueStore {
  getListState(listId: string): Promise<ListState>;
  /** Marks `issueId` as the list's open issue; false when another issue is open. */
  openIssue(listId: string, issueId: string): Promise<boolean>;
  /** Creates the issue unless it exists. */
  createIssue(issue: IssueRecord): Promise<'created' | 'exists'>;
  getIssue(issueId: string): Promise<IssueRecord | undefined>;
  /** Records a batch before it is enqueued; 'exists' when a previous attempt already did. */
  putBatch(batch: BatchMessage): Promise<'created' | 'exists'>;
  getBatch(issueId: string, batch: number): Promise<BatchMessage | undefined>;
  /** Batches of an issue that are recorded but not yet done (to hand to the queue again). */
  pendingBatches(issueId: string): Promise<BatchMessage[]>;
  /** The newest issues of a list, newest first (without their rendered digest): a page of at most `limit`, after the issue id `after`. */
  listIssues(listId: string, options: { limit: number; after?: string | undefined }): Promise<{ issues: IssueSummary[]; cursor?: string | undefined }>;
  /**
   * Moves planning on from `expectedBatches` planned batches to `next`; false when another attempt
   * already did. `planCursor` is the id of the last subscriber enqueued.
   */
  advancePlan(
    issueId: string,
    expectedBatches: number,
    next: { batchesPlanned: number; planCursor?: string | undefined; planComplete: boolean },
  ): Promise<boolean>;
  /** Marks one batch done (each batch counts once); false when it was already done. */
  completeBatch(issueId: string, batch: number): Promise<boolean>;
  addCounts(issueId: string, counts: IssueCounts): Promise<void>;
  pauseIssue(issueId: string, until: Date): Promise<void>;
  /**
   * When planning is complete and every batch is done: marks the issue sent and moves the list's
   * watermark to its window end. Safe to call any number of times; true once the issue is sent.
   */
  finishIssue(issue: Pick<IssueRecord, 'id' | 'listId' | 'windowEnd'>, now: Date): Promise<boolean>;
}

/** One record per (issue, subscriber): the guard that makes every digest go out at most once. */
export interface DeliveryStore {
  /**
   * Claims the right to send. 'claimed' when there is no record, the record was released, or an
   * earlier claim has been in doubt for longer than `inDoubtMs`; otherwise what the record says.
   */
  claim(issueId: string, subscriberId: string, now: Date, inDoubtMs: number): Promise<ClaimOutcome>;
  markSent(issueId: string, subscriberId: string, messageId: string, now: Date): Promise<void>;
  markFailed(issueId: string, subscriberId: string, reason: string, now: Date): Promise<void>;
  /** Records a recipient who is no longer confirmed; false when a record already exists. */
  markSkipped(issueId: string, subscriberId: string, reason: string, now: Date): Promise<boolean>;
  /** Gives a claim back after a transient failure, so a retry may claim it at once. */
  release(issueId: string, subscriberId: string): Promise<void>;
  /** What is recorded for these recipients of one issue (absent: nothing yet). */
  statuses(issueId: string, subscriberIds: readonly string[]): Promise<Map<string, DeliveryStatus>>;
}

/** What happened to one message of one issue, as the console and `subscribers show` list it. */
export interface DeliveryRecord {
  issueId: string;
  status: DeliveryStatus;
  /** Why it was skipped or failed. */
  reason?: string | undefined;
  sentAt?: Date | undefined;
  deliveredAt?: Date | undefined;
  bouncedAt?: Date | undefined;
  complainedAt?: Date | undefined;
  rejectedAt?: Date | undefined;
  openedAt?: Date | undefined;
  clickedAt?: Date | undefined;
}

/** One subscriber's deliveries across the issues named (newest first when the ids are). */
export interface DeliveryHistory {
  forSubscriber(subscriberId: string, issueIds: readonly string[]): Promise<DeliveryRecord[]>;
}

/** The delivery queue (SQS on AWS, in-process locally). */
export interface DeliveryQueue {
  enqueue(message: BatchMessage): Promise<void>;
}

/** What an issue carries, and where its window really ends (before articles still waiting for the site). */
export interface ComposedIssue {
  /** Undefined when no article falls in the window: no articles, no issue. */
  content: IssueContent | undefined;
  /** At or before the window's end: the issue's window end, and so the watermark once it is sent. */
  until: Date;
}

export interface IssueComposer {
  /** Chooses the articles in `window` that `newsletter` carries and renders its digest once (MJML). */
  compose(input: { issueId: string; scheduledFor: Date; window: IssueWindow; newsletter: Newsletter }): Promise<ComposedIssue>;
}

/** Puts an issue's archive page (its "view in browser" link), the index of issues and their feed on the site. */
export interface IssueArchivePublisher {
  publish(issue: IssueRecord): Promise<void>;
}

/** Builds each recipient's raw message from an issue rendered once. */
export interface IssueMessages {
  forRecipient(recipient: { id: string; email: string; name?: string | undefined; unsubscribeToken: string; preferencesToken?: string | undefined }, now: Date): Uint8Array;
}

export interface MessageFactory {
  forIssue(issue: IssueRecord): IssueMessages;
}
