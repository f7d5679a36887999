import pLimit from 'p-limit';
import type { Logger, Mailer } from '../ports.ts';
import { LEGACY_NEWSLETTER_ID } from '../newsletters/list.ts';
import { skipReason } from '../newsletters/membership.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import { envelopeSender } from '../envelope.ts';
import type { IssueRecord } from '../issue/types.ts';
import { sendChunk, type BatchAttempt } from './chunk.ts';
import type { SendMetric } from './metrics.ts';
import type { ClaimStore, DeliveryStore, IssueMessages, IssueStore, MessageFactory, MetricsSink } from './ports.ts';
import type { BatchMessage } from './types.ts';

export interface DeliverDeps {
  issues: IssueStore;
  claims: ClaimStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  mailer: Mailer;
  messages: MessageFactory;
  log: Logger;
  metrics?: MetricsSink<SendMetric> | undefined;
  /**
   * How long a chunk may stay claimed but unrecorded before it is taken as in doubt and its recipients
   * without a record are sent. A worker that dies after SES accepted some of a chunk's messages leaves
   * such a claim; SES's Send events (configuration set → SNS → ses-events) record those well inside this.
   */
  inDoubtMs: number;
  /** How long to pause an issue when the daily quota is used up. */
  quotaPauseMs: number;
  /** Sends in flight at once within one batch (the mailer paces them to the account's rate). */
  sendConcurrency: number;
  /** Recipients claimed and recorded together. */
  chunkSize: number;
  now: () => Date;
}

export type BatchOutcome =
  | { outcome: 'done'; sent: number; skipped: number; failed: number; finished: boolean }
  /** Some recipients are not yet recorded (throttled, transient error, chunk held by another attempt): redeliver the batch later. */
  | { outcome: 'retry'; sent: number; skipped: number; failed: number; pending: number }
  /** The issue is paused (daily quota): redeliver the batch at `until`. */
  | { outcome: 'paused'; sent: number; until: Date };

/** Chunks of one batch sent at once: the next is claimed while the last messages of the one before are out. */
const CHUNKS_IN_FLIGHT = 2;

/**
 * Sends one batch of one issue, a chunk at a time (chunk.ts): a batch delivered twice, a retried
 * worker or a duplicated queue message never sends anyone a second copy. One rejected address is
 * recorded as failed; it never fails the batch.
 */
export class BatchDeliverer {
  private readonly cache = new Map<string, { issue: IssueRecord; messages: IssueMessages; envelopeFrom: string }>();

  constructor(private readonly deps: DeliverDeps) {}

  private async issue(issueId: string): Promise<{ issue: IssueRecord; messages: IssueMessages; envelopeFrom: string } | undefined> {
    const cached = this.cache.get(issueId);
    if (cached) return cached;
    const issue = await this.deps.issues.getIssue(issueId);
    if (!issue) return undefined;
    // Compiled once per issue per warm worker; only the newest few are kept.
    const entry = { issue, messages: this.deps.messages.forIssue(issue), envelopeFrom: envelopeSender(issue.settings.digest) };
    if (this.cache.size >= 3) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(issueId, entry);
    return entry;
  }

  async deliver(batch: BatchMessage): Promise<BatchOutcome> {
    const { deps } = this;
    const loaded = await this.issue(batch.issueId);
    if (!loaded) throw new Error(`issue ${batch.issueId} not found`);
    const { issue } = loaded;
    // Read once per batch: whoever unsubscribed or was suppressed since planning is skipped.
    const [tally, claims, current] = await Promise.all([
      deps.issues.tally(issue.id),
      deps.claims.read(issue.id, batch.batch),
      deps.subscribers.getMany(batch.recipients.map((r) => r.id)),
    ]);
    if (tally.pausedUntil && tally.pausedUntil > deps.now()) return { outcome: 'paused', sent: 0, until: tally.pausedUntil };
    const skips = new Map<string, string>();
    for (const recipient of batch.recipients) {
      // Whoever left the issue's newsletter (or everything) since planning is skipped.
      const reason = skipReason(current.get(recipient.id), issue.newsletter ?? LEGACY_NEWSLETTER_ID);
      if (reason !== undefined) skips.set(recipient.id, reason);
    }
    const attempt: BatchAttempt = { ...loaded, batch, current, skips, chunked: tally.chunked, sends: pLimit(deps.sendConcurrency), stop: {} };
    const size = claims.chunkSize ?? deps.chunkSize;
    const chunks = pLimit(CHUNKS_IN_FLIGHT);
    const outcomes = await Promise.all(
      Array.from({ length: Math.ceil(batch.recipients.length / size) }, (_, i) => chunks(() => sendChunk(deps, attempt, i, size, claims.chunks.get(i)))),
    );
    const sum = (f: (o: (typeof outcomes)[number]) => number) => outcomes.reduce((n, o) => n + f(o), 0);
    const sent = sum((o) => o.added.sent);
    const skipped = sum((o) => o.added.skipped);
    const failed = sum((o) => o.added.failed);
    const pending = sum((o) => o.pending);
    deps.metrics?.publish({ Sent: sent, Skipped: skipped, Failed: failed, Throttled: sum((o) => o.throttled) });
    if (attempt.stop.fatal) throw attempt.stop.fatal;
    const { pausedUntil } = attempt.stop;
    if (pausedUntil) {
      await deps.issues.pauseIssue(issue.id, pausedUntil);
      deps.log.warn('daily sending quota used up; issue paused', { issueId: issue.id, until: pausedUntil.toISOString(), sent });
      return { outcome: 'paused', sent, until: pausedUntil };
    }
    if (pending > 0 || outcomes.some((o) => o.status !== 'done')) {
      deps.log.info('batch incomplete; will be retried', { issueId: issue.id, batch: batch.batch, sent, skipped, failed, pending });
      return { outcome: 'retry', sent, skipped, failed, pending };
    }
    let finished = false;
    if (await deps.issues.completeBatch(issue.id, batch.batch)) finished = await deps.issues.finishIssue(issue, deps.now());
    deps.log.info('batch delivered', { issueId: issue.id, batch: batch.batch, sent, skipped, failed, finished });
    return { outcome: 'done', sent, skipped, failed, finished };
  }
}
