import pLimit from 'p-limit';
import type { Logger, Mailer } from '../ports.ts';
import { LEGACY_NEWSLETTER_ID } from '../newsletters/list.ts';
import { skipReason } from '../newsletters/membership.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import { envelopeSender } from '../envelope.ts';
import { MailerError } from './errors.ts';
import type { DeliveryStore, IssueMessages, IssueStore, MessageFactory } from './ports.ts';
import type { IssueRecord } from '../issue/types.ts';
import type { BatchMessage, Recipient } from './types.ts';

export interface DeliverDeps {
  issues: IssueStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  mailer: Mailer;
  messages: MessageFactory;
  log: Logger;
  /**
   * How long a claim may stay unconfirmed before it is taken as never sent and retried. A worker that
   * dies after SES accepted a message but before the record was written leaves such a claim; the SES
   * "Send" event (configuration set → SNS → ses-events handler) records it as sent well inside this.
   */
  inDoubtMs: number;
  /** How long to pause an issue when the daily quota is used up. */
  quotaPauseMs: number;
  /** Sends in flight at once within one batch (the mailer paces them to the account's rate). */
  sendConcurrency: number;
  now: () => Date;
}

export type BatchOutcome =
  | { outcome: 'done'; sent: number; skipped: number; failed: number; finished: boolean }
  /** Some recipients are not yet recorded (throttled, transient error, claim in progress): redeliver the batch later. */
  | { outcome: 'retry'; sent: number; skipped: number; failed: number; pending: number }
  /** The issue is paused (daily quota): redeliver the batch at `until`. */
  | { outcome: 'paused'; sent: number; until: Date };

/**
 * Sends one batch of one issue. Each recipient is claimed with a conditional write before the send
 * and recorded after it, so a batch delivered twice, a retried worker or a duplicated queue message
 * never sends anyone a second copy. One rejected address is recorded as failed; it never fails the batch.
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
    const { issue, messages, envelopeFrom } = loaded;
    const latest = await deps.issues.getIssue(batch.issueId);
    if (latest?.pausedUntil && latest.pausedUntil > deps.now()) {
      return { outcome: 'paused', sent: 0, until: latest.pausedUntil };
    }
    const counts = { sent: 0, skipped: 0, failed: 0, pending: 0 };
    // Read once per batch: whoever unsubscribed or was suppressed since planning is skipped.
    const current = await deps.subscribers.getMany(batch.recipients.map((r) => r.id));
    let pausedUntil: Date | undefined;
    let fatal: unknown;

    const deliverOne = async (recipient: Recipient): Promise<void> => {
      if (pausedUntil || fatal) {
        counts.pending++;
        return;
      }
      const now = deps.now();
      const subscriber = current.get(recipient.id);
      // Whoever left the issue's newsletter (or everything) since planning is skipped.
      const skip = skipReason(subscriber, issue.newsletter ?? LEGACY_NEWSLETTER_ID);
      if (skip !== undefined || !subscriber) {
        if (await deps.deliveries.markSkipped(issue.id, recipient.id, skip ?? 'removed', now)) counts.skipped++;
        return;
      }
      const claim = await deps.deliveries.claim(issue.id, recipient.id, now, deps.inDoubtMs);
      if (claim === 'busy') counts.pending++;
      if (claim !== 'claimed') return;
      let raw: Uint8Array;
      try {
        raw = messages.forRecipient({ id: subscriber.id, email: subscriber.email, name: subscriber.name, unsubscribeToken: recipient.unsubscribeToken, preferencesToken: recipient.preferencesToken }, now);
      } catch (error) {
        // An address the message cannot carry (e.g. non-ASCII without SMTPUTF8): recorded, never retried.
        await deps.deliveries.markFailed(issue.id, recipient.id, `message not built: ${(error as Error).message}`, deps.now());
        counts.failed++;
        deps.log.warn('recipient address cannot be sent to; recorded as failed', { issueId: issue.id, subscriber: recipient.id });
        return;
      }
      try {
        const { messageId } = await deps.mailer.send({
          from: envelopeFrom,
          to: subscriber.email,
          raw,
          tags: { issue: issue.id, subscriber: subscriber.id },
        });
        await deps.deliveries.markSent(issue.id, recipient.id, messageId, deps.now());
        counts.sent++;
      } catch (error) {
        const code = error instanceof MailerError ? error.code : 'TRANSIENT';
        const reason = (error as Error).message;
        if (code === 'REJECTED') {
          await deps.deliveries.markFailed(issue.id, recipient.id, reason, deps.now());
          counts.failed++;
          deps.log.warn('recipient rejected; recorded as failed', { issueId: issue.id, subscriber: recipient.id, reason });
          return;
        }
        await deps.deliveries.release(issue.id, recipient.id);
        counts.pending++;
        if (code === 'DAILY_QUOTA') pausedUntil ??= new Date(deps.now().getTime() + deps.quotaPauseMs);
        else if (code === 'FATAL') fatal ??= error;
        else deps.log.warn('send failed; will retry', { issueId: issue.id, subscriber: recipient.id, code, reason });
      }
    };

    const limit = pLimit(deps.sendConcurrency);
    await Promise.all(batch.recipients.map((r) => limit(() => deliverOne(r))));
    const { sent, skipped, failed, pending } = counts;
    await deps.issues.addCounts(issue.id, { sent, skipped, failed });
    if (fatal) throw fatal;
    if (pausedUntil) {
      await deps.issues.pauseIssue(issue.id, pausedUntil);
      deps.log.warn('daily sending quota used up; issue paused', { issueId: issue.id, until: pausedUntil.toISOString(), sent });
      return { outcome: 'paused', sent, until: pausedUntil };
    }
    if (pending > 0) {
      deps.log.info('batch incomplete; will be retried', { issueId: issue.id, batch: batch.batch, sent, skipped, failed, pending });
      return { outcome: 'retry', sent, skipped, failed, pending };
    }
    let finished = false;
    if (await deps.issues.completeBatch(issue.id, batch.batch)) finished = await deps.issues.finishIssue(issue, deps.now());
    deps.log.info('batch delivered', { issueId: issue.id, batch: batch.batch, sent, skipped, failed, finished });
    return { outcome: 'done', sent, skipped, failed, finished };
  }
}
