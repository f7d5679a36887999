import type { IssueContent, IssueEventCount, IssueRecord, IssueSummary } from '../issue/types.ts';
import type { IssueWindow } from '../issue/window.ts';
import type { Newsletter } from '../newsletters/list.ts';
import type { BatchClaims, BatchMessage, ChunkState, DeliveryStatus, IssueCounts, IssueTally, ListState, RecordedDelivery } from './types.ts';

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
  /**
   * Records one batch as done (any number of times: each batch counts once). True when, as far as is
   * recorded, planning is complete and every batch is done: the caller then calls finishIssue.
   */
  completeBatch(issueId: string, batch: number): Promise<boolean>;
  /**
   * Adds to the issue's counts. The sender's are added per chunk as it is recorded, and made exact from
   * the chunks when the issue finishes (a count added after that is dropped); those of SES's events are
   * added once per recipient and kind (see DeliveryStore.recordEvent).
   */
  addCounts(issueId: string, counts: IssueCounts): Promise<void>;
  /** What delivery checks before each batch (a small record, not the rendered issue). */
  tally(issueId: string): Promise<IssueTally>;
  pauseIssue(issueId: string, until: Date): Promise<void>;
  /**
   * When planning is complete and every batch is done: marks the issue sent and moves the list's
   * watermark to its window end. Safe to call any number of times; true once the issue is sent.
   */
  finishIssue(issue: Pick<IssueRecord, 'id' | 'listId' | 'windowEnd'>, now: Date): Promise<boolean>;
}

/**
 * The claims on each batch's chunks: the guard that makes every digest go out at most once. A chunk is
 * claimed with one conditional write before its first message and recorded with one after its last.
 */
export interface ClaimStore {
  read(issueId: string, batch: number): Promise<BatchClaims>;
  /**
   * Takes chunk `chunk` for the attempt `claim.by`: when it has no state yet, or its state is still
   * `previous` (as read) and that is partial or has been sending since before `doubtBefore` (in doubt).
   * The batch's chunk size is recorded by its first claim; a claim with another size is refused.
   */
  claim(issueId: string, batch: number, chunk: number, claim: { by: string; at: Date; chunkSize: number; previous?: ChunkState | undefined; doubtBefore: Date }): Promise<boolean>;
  /** Records what the attempt `state.by` did; false when that attempt no longer holds the chunk. */
  record(issueId: string, batch: number, chunk: number, state: ChunkState): Promise<boolean>;
}

/**
 * One record per (issue, subscriber), found by both: written for a recipient who was skipped or failed,
 * and by SES's events (through the configuration set) for each message SES accepted.
 */
export interface DeliveryStore {
  /** SES's Send event: SES accepted the message. */
  markSent(issueId: string, subscriberId: string, messageId: string, at: Date): Promise<void>;
  markFailed(issueId: string, subscriberId: string, reason: string, at: Date): Promise<void>;
  /** Records a recipient who is no longer confirmed; false when a record already exists. */
  markSkipped(issueId: string, subscriberId: string, reason: string, at: Date): Promise<boolean>;
  /**
   * Records the first event of one kind for one message (delivered, bounced, opened, …): true only for
   * the first, so a duplicated or retried event is counted once.
   */
  recordEvent(issueId: string, subscriberId: string, kind: IssueEventCount, at: Date): Promise<boolean>;
  /** What is recorded for these recipients of one issue (absent: nothing yet). */
  recorded(issueId: string, subscriberIds: readonly string[]): Promise<Map<string, RecordedDelivery>>;
}

/**
 * What happened to one message of one issue, as the console and `subscribers show` list it. A message
 * SES accepted is recorded by SES's Send event, normally within seconds; a recipient whose chunk is
 * still being sent has no record yet, so the issue is missing from their history until then (a
 * recipient who was skipped or failed is recorded by the sender at once).
 */
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

/** One issue's sent deliveries against one kind of event: how many have it, and who does not (on one machine, to settle after a crash). */
export interface DeliveryTally {
  eventTally(issueId: string, kind: IssueEventCount): Promise<{ counted: number; missing: string[] }>;
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

/** Counts for the operator's dashboard and alarms, one publication per batch or event (see metrics.ts). */
export interface MetricsSink<Name extends string> {
  publish(values: Partial<Record<Name, number>>): void;
}
