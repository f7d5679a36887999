import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { issueIdFor } from '../core/issue/id.ts';
import type { IssueSummary } from '../core/issue/types.ts';
import { issueWindow } from '../core/issue/window.ts';
import { newslettersOf, type Newsletter } from '../core/newsletters/list.ts';
import { receives } from '../core/newsletters/membership.ts';
import type { BatchOutcome } from '../core/sending/deliver.ts';
import { newsletterToPlan, planIssue, scheduledIssueTime, type PlanResult } from '../core/sending/plan.ts';
import type { BatchMessage } from '../core/sending/types.ts';
import { POLICY } from '../core/policy.ts';
import { DataDirError } from '../wiring/data-errors.ts';
import { deliverDeps } from '../wiring/deliver.ts';
import { sesEventDeps } from '../wiring/ses-events.ts';
import { recordingOutbox, settleDelivered } from './outbox-events.ts';
import { planDeps } from '../wiring/plan.ts';
import { createFileExclusive, processAlive, readStateText } from '../wiring/state-file.ts';
import type { System } from '../wiring/system.ts';

export interface SendProgress {
  batches: number;
  recipients: number;
  sent: number;
  skipped: number;
  failed: number;
}

export type SendSummary = { newsletter: string } & (
  /**
   * What the real run would do now: the issue it plans, its articles, and how many people it would mail
   * (0 when the issue was already sent); `finishFirst` is an earlier unfinished issue it would finish first.
   */
  | {
      kind: 'dry-run';
      issueId: string;
      subject?: string | undefined;
      articles: number;
      recipients: number;
      sentAt?: Date | undefined;
      finishFirst?: { issueId: string; recipients: number } | undefined;
    }
  | { kind: 'nothing-to-send'; issueId: string; reason: string }
  | { kind: 'sent'; issueId: string; plan: PlanResult['outcome']; progress: SendProgress; incomplete: number; paused?: Date | undefined });

export class SendLockedError extends Error {
  override name = 'SendLockedError';
}

/**
 * One send at a time on this machine: a lock file holding the owner's pid, created atomically. A dead
 * owner's lock is taken over; a lock that does not hold a pid is an error naming it (never replaced).
 */
function acquireLock(dataDir: string): () => void {
  const file = join(dataDir, 'send.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createFileExclusive(file, String(process.pid))) return () => rmSync(file, { force: true });
    const text = readStateText(file);
    if (text === undefined) continue;
    const owner = Number(text.trim());
    if (!/^\d+$/.test(text.trim()) || owner <= 0) {
      throw new DataDirError('damaged', file, `${file} does not hold a process id: delete it if no newsletter send is running`);
    }
    if (processAlive(owner) && (owner !== process.pid || attempt > 0)) {
      throw new SendLockedError(`another send is running (process ${owner}); wait for it to finish, then run send again`);
    }
    rmSync(file, { force: true });
  }
  throw new SendLockedError('could not take the send lock');
}

/**
 * Plans and delivers the issue due at `at` in this process: the same planner and delivery worker as on
 * AWS, with the queue replaced by delivering each batch as it is planned. Running it again resumes what
 * was left unfinished and otherwise sends nothing: every delivery is recorded.
 */
/**
 * How many people the unfinished issue `issue` would still mail: recipients of its queued batches who
 * are still confirmed and have nothing recorded, and the confirmed subscribers planning has not reached.
 */
async function remainingRecipients(system: System, newsletter: string, issue: Pick<IssueSummary, 'id' | 'planComplete' | 'planCursor'>): Promise<number> {
  let count = 0;
  for (const batch of await system.stores.issues.pendingBatches(issue.id)) {
    const ids = batch.recipients.map((r) => r.id);
    const [recorded, current] = await Promise.all([system.stores.deliveries.recorded(issue.id, ids), system.stores.subscribers.getMany(ids)]);
    count += ids.filter((id) => {
      const s = current.get(id);
      return s !== undefined && receives(s, newsletter) && !['sent', 'failed', 'skipped'].includes(recorded.get(id)?.status ?? '');
    }).length;
  }
  if (!issue.planComplete) count += await members(system, newsletter, issue.planCursor);
  return count;
}

/** Confirmed subscribers who receive `newsletter`, after the id `after`. */
async function members(system: System, newsletter: string, after?: string): Promise<number> {
  let count = 0;
  let cursor = after;
  do {
    const page = await system.stores.subscribers.pageByState('confirmed', cursor, 500);
    count += page.items.filter((s) => receives(s, newsletter)).length;
    cursor = page.cursor;
  } while (cursor);
  return count;
}

/** The truth about a send at `at`, changing nothing (see SendSummary's dry-run). */
async function dryRun(
  system: System,
  newsletter: Newsletter,
  at: Date,
  now: Date,
  compose: (issueId: string, scheduledFor: Date, watermark: Date | undefined) => Promise<{ subject: string; articles: number } | undefined>,
): Promise<SendSummary> {
  const scheduledFor = scheduledIssueTime(newsletter, at, now);
  const issueId = issueIdFor(scheduledFor, newsletter.id);
  const existing = await system.stores.issues.getIssue(issueId);
  if (existing) {
    const recipients = existing.status === 'sent' ? 0 : await remainingRecipients(system, newsletter.id, existing);
    return { newsletter: newsletter.id, kind: 'dry-run', issueId, subject: existing.content.subject, articles: existing.content.articles.length, recipients, sentAt: existing.sentAt };
  }
  const list = await system.stores.issues.getListState(newsletter.listId);
  let finishFirst: { issueId: string; recipients: number } | undefined;
  let watermark = list.watermark;
  if (list.openIssueId) {
    const open = await system.stores.issues.getIssue(list.openIssueId);
    if (open) {
      finishFirst = { issueId: open.id, recipients: await remainingRecipients(system, newsletter.id, open) };
      watermark = open.windowEnd;
    }
  }
  const composed = await compose(issueId, scheduledFor, watermark);
  const recipients = composed ? await members(system, newsletter.id) : 0;
  return { newsletter: newsletter.id, kind: 'dry-run', issueId, subject: composed?.subject, articles: composed?.articles ?? 0, recipients, finishFirst };
}

/**
 * Plans and delivers the issue a send at `at` stands for (the latest scheduled time at or before it) in
 * this process: the same planner and delivery worker as on AWS, with the queue replaced by delivering
 * each batch as it is planned. Running it again resumes what was left unfinished and otherwise sends
 * nothing: every delivery is recorded. A time ahead of now is refused (PlanningError).
 */
export interface SendOptions {
  dryRun?: boolean | undefined;
  onProgress?: (progress: SendProgress) => void;
  now?: () => Date;
  retryDelayMs?: number;
  /** The newsletter to send; default: the legacy one (the only one of a single `digest:`). */
  newsletter?: string | undefined;
}

/**
 * Sends every newsletter's issue due at `at` (or only `options.newsletter`), one after the other: each
 * plans the latest time of its own schedule at or before `at`, so one already sent sends nothing again.
 */
export async function sendDue(system: System, at: Date, options: SendOptions = {}): Promise<SendSummary[]> {
  const ids = options.newsletter !== undefined ? [newsletterToPlan(system.settings, options.newsletter).id] : newslettersOf(system.settings).map((n) => n.id);
  const summaries: SendSummary[] = [];
  for (const newsletter of ids) summaries.push(await sendIssue(system, at, { ...options, newsletter }));
  return summaries;
}

export async function sendIssue(system: System, at: Date, options: SendOptions = {}): Promise<SendSummary> {
  const now = options.now ?? (() => new Date());
  const newsletter = newsletterToPlan(system.settings, options.newsletter);
  const issueId = issueIdFor(scheduledIssueTime(newsletter, at, now()), newsletter.id);
  const planner = planDeps({
    settings: system.settings,
    content: system.content,
    templates: system.templates,
    stores: system.stores,
    queue: { enqueue: async () => undefined },
    tokenKey: system.tokenKey,
    log: system.log,
    site: system.site,
  });
  if (options.dryRun) {
    return dryRun(system, newsletter, at, now(), async (id, scheduledFor, watermark) => {
      const window = issueWindow({ watermark, scheduledFor, lookbackDays: newsletter.lookbackDays, now: now() });
      const { content } = window.end > window.start ? await planner.composer.compose({ issueId: id, scheduledFor, window, newsletter }) : { content: undefined };
      return content && { subject: content.subject, articles: content.articles.length };
    });
  }

  const release = system.mode === 'embedded' ? acquireLock(system.dataDir) : () => undefined;
  try {
    const progress: SendProgress = { batches: 0, recipients: 0, sent: 0, skipped: 0, failed: 0 };
    let incomplete = 0;
    let paused: Date | undefined;
    // On one machine sends run one at a time (the lock) and the outbox knows what it wrote: a claim left by
    // a crashed send can be taken at once, and the outbox answers for a message it already holds.
    const inDoubtMs = system.mode === 'embedded' ? POLICY.localInDoubtMs : undefined;
    const mailer = recordingOutbox(system.mailer, sesEventDeps({ stores: system.stores, log: system.log, now }), now);
    const { deliverer } = deliverDeps({ stores: system.stores, mailer, log: system.log, now, defer: async () => undefined, inDoubtMs });
    const deliverBatch = async (batch: BatchMessage) => {
      let result: BatchOutcome | undefined;
      for (let attempt = 0; attempt < 3 && !paused; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 1000));
        result = await deliverer.deliver(batch);
        progress.sent += result.sent;
        if (result.outcome !== 'paused') {
          progress.skipped += result.skipped;
          progress.failed += result.failed;
        }
        if (result.outcome === 'paused') paused = result.until;
        if (result.outcome === 'done') break;
      }
      progress.batches++;
      progress.recipients += batch.recipients.length;
      if (result?.outcome !== 'done') incomplete++;
      options.onProgress?.({ ...progress });
    };
    /** Delivers what an issue planned earlier still has queued, then records it as sent if it is done. */
    const finishPlanned = async (id: string) => {
      for (const batch of await system.stores.issues.pendingBatches(id)) await deliverBatch(batch);
      const issue = await system.stores.issues.getIssue(id);
      if (issue) await system.stores.issues.finishIssue(issue, now());
      await settleDelivered(system.stores, id, now);
    };
    const deps = { ...planner, queue: { enqueue: deliverBatch } };
    let plan = await planIssue(deps, newsletter, at, now());
    if (plan.outcome === 'blocked') {
      // An earlier issue was left unfinished: finish it first, then plan this one.
      await finishPlanned(plan.openIssueId);
      plan = await planIssue(deps, newsletter, at, now());
      if (plan.outcome === 'blocked') return { newsletter: newsletter.id, kind: 'nothing-to-send', issueId, reason: `issue ${plan.openIssueId} is still unfinished` };
    }
    if (plan.outcome === 'no-articles') return { newsletter: newsletter.id, kind: 'nothing-to-send', issueId, reason: 'no new articles since the last issue' };
    if (plan.outcome !== 'planned') await finishPlanned(issueId);
    else await settleDelivered(system.stores, issueId, now);
    return { newsletter: newsletter.id, kind: 'sent', issueId, plan: plan.outcome, progress, incomplete, paused };
  } finally {
    release();
  }
}
