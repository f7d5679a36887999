import { randomUUID } from 'node:crypto';
import type { LimitFunction } from 'p-limit';
import type { Logger, Mailer } from '../ports.ts';
import type { IssueRecord } from '../issue/types.ts';
import type { Subscriber } from '../subscribers/types.ts';
import { MailerError } from './errors.ts';
import type { ClaimStore, DeliveryStore, IssueMessages, IssueStore } from './ports.ts';
import { SENDER_COUNTS, type BatchMessage, type ChunkState, type SenderCounts } from './types.ts';

export interface ChunkDeps {
  issues: IssueStore;
  claims: ClaimStore;
  deliveries: DeliveryStore;
  mailer: Mailer;
  log: Logger;
  inDoubtMs: number;
  quotaPauseMs: number;
  now: () => Date;
}

/** What the chunks of one batch attempt share. */
export interface BatchAttempt {
  issue: IssueRecord;
  messages: IssueMessages;
  envelopeFrom: string;
  batch: BatchMessage;
  /** The recipients still subscribed, by id (read once per batch). */
  current: ReadonlyMap<string, Subscriber>;
  /** Why each recipient is skipped (no longer subscribed), by id; absent: send. */
  skips: ReadonlyMap<string, string>;
  /** False for an issue an earlier version planned: every chunk reads its recipients' records first. */
  chunked: boolean;
  /** Sends in flight at once across the batch's chunks. */
  sends: LimitFunction;
  /** Set by the first send that pauses the issue (daily quota) or stops sending (fatal): nothing more is tried. */
  stop: { pausedUntil?: Date; fatal?: unknown };
}

export interface ChunkOutcome {
  /** `busy`: another attempt holds the chunk (or took it over), or sending stopped before it was claimed. */
  status: 'done' | 'partial' | 'busy';
  /** What this attempt added to the issue's counts. */
  added: SenderCounts;
  /** Recipients of the chunk still without an outcome. */
  pending: number;
  throttled: number;
}

const none = (): SenderCounts => ({ sent: 0, skipped: 0, failed: 0 });
const plus = (a: SenderCounts, b: SenderCounts): SenderCounts => ({ sent: a.sent + b.sent, skipped: a.skipped + b.skipped, failed: a.failed + b.failed });

/**
 * Sends one chunk of a batch: one conditional write claims it, its messages go out, one write records
 * the outcome (and its counts are added to the issue). Nobody is recorded as sent here: SES's Send event
 * records each message it accepted. A chunk claimed before (left partial, or in doubt: claimed by an
 * attempt that never recorded it, for longer than the in-doubt window) sends only to the recipients
 * that have no record, so a message SES accepted is never sent twice.
 */
export async function sendChunk(deps: ChunkDeps, attempt: BatchAttempt, index: number, size: number, previous: ChunkState | undefined): Promise<ChunkOutcome> {
  const { issue, batch, stop } = attempt;
  const start = index * size;
  const positions = previous?.todo ?? Array.from({ length: Math.min(size, batch.recipients.length - start) }, (_, i) => start + i);
  const busy = (): ChunkOutcome => ({ status: 'busy', added: none(), pending: positions.length, throttled: 0 });
  if (previous?.status === 'done') return { status: 'done', added: none(), pending: 0, throttled: 0 };
  if (stop.pausedUntil || stop.fatal) return busy();
  const claimedAt = deps.now();
  const doubtBefore = new Date(claimedAt.getTime() - deps.inDoubtMs);
  if (previous?.status === 'sending' && previous.at >= doubtBefore) return busy();
  const by = randomUUID();
  if (!(await deps.claims.claim(issue.id, batch.batch, index, { by, at: claimedAt, chunkSize: size, previous, doubtBefore }))) return busy();

  const added = none();
  const todo: number[] = [];
  let throttled = 0;
  let toSend = positions;
  if (previous || !attempt.chunked) {
    const recorded = await deps.deliveries.recorded(issue.id, positions.map((p) => batch.recipients[p]!.id));
    toSend = [];
    for (const position of positions) {
      const record = recorded.get(batch.recipients[position]!.id);
      if (!record || record.status === 'released' || (record.status === 'sending' && (record.claimedAt ?? claimedAt) < doubtBefore)) toSend.push(position);
      // An earlier version's claim on this recipient, not yet in doubt.
      else if (record.status === 'sending') todo.push(position);
      // Sent (SES's Send event) or recorded by the attempt that never recorded the chunk: counted now. An
      // earlier version counted its own.
      else if (attempt.chunked) added[record.status]++;
    }
  }

  const sendOne = async (position: number): Promise<void> => {
    if (stop.pausedUntil || stop.fatal) {
      todo.push(position);
      return;
    }
    const recipient = batch.recipients[position]!;
    const at = deps.now();
    const skip = attempt.skips.get(recipient.id);
    if (skip !== undefined) {
      if (await deps.deliveries.markSkipped(issue.id, recipient.id, skip, at)) added.skipped++;
      return;
    }
    const subscriber = attempt.current.get(recipient.id)!;
    let raw: Uint8Array;
    try {
      raw = attempt.messages.forRecipient(
        { id: subscriber.id, email: subscriber.email, name: subscriber.name, unsubscribeToken: recipient.unsubscribeToken, preferencesToken: recipient.preferencesToken },
        at,
      );
    } catch (error) {
      // An address the message cannot carry (e.g. non-ASCII without SMTPUTF8): recorded, never retried.
      await deps.deliveries.markFailed(issue.id, recipient.id, `message not built: ${(error as Error).message}`, deps.now());
      added.failed++;
      deps.log.warn('recipient address cannot be sent to; recorded as failed', { issueId: issue.id, subscriber: recipient.id });
      return;
    }
    try {
      const sent = await deps.mailer.send({ from: attempt.envelopeFrom, to: subscriber.email, raw, tags: { issue: issue.id, subscriber: subscriber.id } });
      throttled += sent.throttled ?? 0;
      added.sent++;
    } catch (error) {
      const mailerError = error instanceof MailerError ? error : undefined;
      const code = mailerError?.code ?? 'TRANSIENT';
      const reason = (error as Error).message;
      throttled += mailerError?.throttled ?? 0;
      if (code === 'REJECTED') {
        await deps.deliveries.markFailed(issue.id, recipient.id, reason, deps.now());
        added.failed++;
        deps.log.warn('recipient rejected; recorded as failed', { issueId: issue.id, subscriber: recipient.id, reason });
        return;
      }
      todo.push(position);
      if (code === 'DAILY_QUOTA') stop.pausedUntil ??= new Date(deps.now().getTime() + deps.quotaPauseMs);
      else if (code === 'FATAL') stop.fatal ??= error;
      else deps.log.warn('send failed; will retry', { issueId: issue.id, subscriber: recipient.id, code, reason });
    }
  };
  await Promise.all(toSend.map((position) => attempt.sends(() => sendOne(position))));

  todo.sort((a, b) => a - b);
  const status = todo.length > 0 ? 'partial' : 'done';
  const state: ChunkState = {
    status,
    by,
    at: deps.now(),
    todo: todo.length > 0 ? todo : undefined,
    counts: plus(previous?.counts ?? none(), added),
  };
  if (!(await deps.claims.record(issue.id, batch.batch, index, state))) {
    // Only when this attempt outlived the in-doubt window: whoever took the chunk over counts it.
    deps.log.error('chunk taken over before it was recorded', { issueId: issue.id, batch: batch.batch, chunk: index });
    return { ...busy(), throttled };
  }
  if (SENDER_COUNTS.some((k) => added[k] > 0)) await deps.issues.addCounts(issue.id, added);
  return { status, added, pending: todo.length, throttled };
}
