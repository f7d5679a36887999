import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { issueIdFor } from '../core/digest/select.ts';
import type { BatchOutcome } from '../core/sending/deliver.ts';
import { planIssue, type PlanResult } from '../core/sending/plan.ts';
import type { BatchMessage } from '../core/sending/types.ts';
import { deliverDeps } from '../wiring/deliver.ts';
import { planDeps as buildPlanDeps } from '../wiring/plan.ts';
import type { System } from '../wiring/system.ts';

export interface SendProgress {
  batches: number;
  recipients: number;
  sent: number;
  skipped: number;
  failed: number;
}

export type SendSummary =
  | { kind: 'dry-run'; issueId: string; subject?: string | undefined; articles: number; recipients: number }
  | { kind: 'nothing-to-send'; issueId: string; reason: string }
  | { kind: 'sent'; issueId: string; plan: PlanResult['outcome']; progress: SendProgress; incomplete: number; paused?: Date | undefined };

export class SendLockedError extends Error {
  override name = 'SendLockedError';
}

/** One send at a time on this machine: a lock file holding the owner's pid (a dead owner's lock is taken over). */
function acquireLock(dataDir: string): () => void {
  const file = join(dataDir, 'send.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      let running = false;
      try {
        process.kill(owner, 0);
        running = owner !== process.pid || attempt > 0;
      } catch {
        running = false;
      }
      if (running) throw new SendLockedError(`another send is running (process ${owner}); wait for it to finish, then run send again`);
      rmSync(file, { force: true });
    }
  }
  throw new SendLockedError('could not take the send lock');
}

/**
 * Plans and delivers the issue due at `at` in this process: the same planner and delivery worker as on
 * AWS, with the queue replaced by delivering each batch as it is planned. Running it again resumes what
 * was left unfinished and otherwise sends nothing: every delivery is recorded.
 */
export async function sendIssue(
  system: System,
  at: Date,
  options: { dryRun?: boolean; onProgress?: (progress: SendProgress) => void; now?: () => Date; retryDelayMs?: number } = {},
): Promise<SendSummary> {
  const now = options.now ?? (() => new Date());
  const issueId = issueIdFor(at);
  const planDeps = buildPlanDeps({ settings: system.settings, content: system.content, templates: system.templates, stores: system.stores, queue: { enqueue: async () => undefined }, tokenKey: system.tokenKey, log: system.log });
  if (options.dryRun) {
    const recipients = (await system.stores.subscribers.countByState()).confirmed;
    const existing = await system.stores.issues.getIssue(issueId);
    if (existing) return { kind: 'dry-run', issueId, subject: existing.subject, articles: existing.articleIds.length, recipients };
    const list = await system.stores.issues.getListState(system.settings.digest.listId);
    const composed = await planDeps.composer.compose({ issueId, watermark: list.watermark, sendTime: at });
    return { kind: 'dry-run', issueId, subject: composed?.subject, articles: composed?.articleIds.length ?? 0, recipients };
  }

  const release = system.mode === 'embedded' ? acquireLock(system.dataDir) : () => undefined;
  try {
    const progress: SendProgress = { batches: 0, recipients: 0, sent: 0, skipped: 0, failed: 0 };
    let incomplete = 0;
    let paused: Date | undefined;
    const { deliverer } = deliverDeps({ stores: system.stores, mailer: system.mailer, log: system.log, now, defer: async () => undefined });
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
    };
    const deps = { ...planDeps, queue: { enqueue: deliverBatch } };
    let plan = await planIssue(deps, at, now());
    if (plan.outcome === 'blocked') {
      // An earlier issue was left unfinished: finish it first, then plan this one.
      await finishPlanned(plan.openIssueId);
      plan = await planIssue(deps, at, now());
      if (plan.outcome === 'blocked') return { kind: 'nothing-to-send', issueId, reason: `issue ${plan.openIssueId} is still unfinished` };
    }
    if (plan.outcome === 'no-articles') return { kind: 'nothing-to-send', issueId, reason: 'no new articles since the last issue' };
    if (plan.outcome !== 'planned') await finishPlanned(issueId);
    return { kind: 'sent', issueId, plan: plan.outcome, progress, incomplete, paused };
  } finally {
    release();
  }
}
