import { issueIdFor } from '../digest/select.ts';
import type { Logger } from '../ports.ts';
import type { Settings } from '../settings.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import { createToken } from '../tokens.ts';
import type { DeliveryQueue, IssueComposer, IssueStore } from './ports.ts';
import type { BatchMessage, IssueRecord } from './types.ts';

export interface PlanDeps {
  issues: IssueStore;
  subscribers: SubscriberStore;
  queue: DeliveryQueue;
  composer: IssueComposer;
  log: Logger;
  settings: Settings;
  listId: string;
  /** Signs each recipient's unsubscribe link (the delivery worker has no key). */
  tokenKey: string | Uint8Array;
  /** Recipients per queue message. */
  batchSize: number;
}

export type PlanResult =
  | { outcome: 'no-articles'; issueId: string }
  | { outcome: 'blocked'; issueId: string; openIssueId: string }
  | { outcome: 'planned' | 'resumed' | 'already-planned'; issueId: string; batches: number; recipients: number; finished: boolean };

/**
 * Plans the issue for one scheduled time: chooses and renders its articles once, records it under a key
 * derived from that time, and enqueues every confirmed subscriber in batches while paging the store.
 * Safe to repeat: a duplicated or retried event finds the issue and resumes where planning stopped.
 */
export async function planIssue(deps: PlanDeps, scheduledTime: Date, now: Date): Promise<PlanResult> {
  const issueId = issueIdFor(scheduledTime);
  let issue = await deps.issues.getIssue(issueId);
  let fresh = false;
  if (!issue) {
    const list = await deps.issues.getListState(deps.listId);
    if (list.openIssueId && list.openIssueId !== issueId) {
      deps.log.warn('earlier issue still sending; this one waits', { issueId, openIssueId: list.openIssueId });
      return { outcome: 'blocked', issueId, openIssueId: list.openIssueId };
    }
    const composed = await deps.composer.compose({ issueId, watermark: list.watermark, sendTime: scheduledTime });
    if (!composed) {
      deps.log.info('no articles since the last issue: nothing to send', { issueId, watermark: list.watermark?.toISOString() });
      return { outcome: 'no-articles', issueId };
    }
    if (!(await deps.issues.openIssue(deps.listId, issueId))) {
      const openIssueId = (await deps.issues.getListState(deps.listId)).openIssueId ?? 'unknown';
      return { outcome: 'blocked', issueId, openIssueId };
    }
    const record: IssueRecord = {
      id: issueId,
      settings: deps.settings,
      listId: deps.listId,
      scheduledFor: scheduledTime,
      windowStart: composed.windowStart,
      windowEnd: scheduledTime,
      articleIds: composed.articleIds,
      subject: composed.subject,
      html: composed.html,
      text: composed.text,
      status: 'planning',
      batchesPlanned: 0,
      planComplete: false,
      batchesDone: 0,
      sent: 0,
      skipped: 0,
      failed: 0,
      createdAt: now,
    };
    fresh = (await deps.issues.createIssue(record)) === 'created';
    issue = (await deps.issues.getIssue(issueId))!;
    deps.log.info('issue recorded', { issueId, articles: record.articleIds.length, subject: record.subject });
  }
  if (issue.planComplete) {
    const finished = await deps.issues.finishIssue(issue, now);
    return { outcome: 'already-planned', issueId, batches: issue.batchesPlanned, recipients: 0, finished };
  }

  let batches = issue.batchesPlanned;
  let after = issue.planCursor;
  let recipients = 0;
  for (;;) {
    const page = await deps.subscribers.pageByState('confirmed', after, deps.batchSize);
    if (page.items.length === 0) {
      await deps.issues.advancePlan(issueId, batches, { batchesPlanned: batches, planComplete: true });
      break;
    }
    const number = batches + 1;
    const signed = page.items.map((s) => ({
      id: s.id,
      email: s.email,
      unsubscribeToken: createToken({ purpose: 'unsubscribe', subscriber: s.id, list: deps.listId }, deps.tokenKey),
    }));
    let batch: BatchMessage = { issueId, batch: number, recipients: signed };
    if ((await deps.issues.putBatch(batch)) === 'exists') {
      // An earlier attempt recorded this batch but stopped before moving on: send what it recorded.
      batch = (await deps.issues.getBatch(issueId, number))!;
    }
    await deps.queue.enqueue(batch);
    recipients += batch.recipients.length;
    const last = batch.recipients[batch.recipients.length - 1]!.id;
    const done = page.cursor === undefined;
    if (!(await deps.issues.advancePlan(issueId, batches, { batchesPlanned: number, planCursor: done ? undefined : last, planComplete: done }))) {
      deps.log.warn('another attempt is planning this issue; stopping', { issueId });
      return { outcome: 'resumed', issueId, batches: number, recipients, finished: false };
    }
    batches = number;
    deps.log.info('batch enqueued', { issueId, batch: number, size: batch.recipients.length });
    if (done) break;
    after = last;
  }
  const finished = await deps.issues.finishIssue(issue, now);
  deps.log.info('issue planned', { issueId, batches, recipients });
  return { outcome: fresh ? 'planned' : 'resumed', issueId, batches, recipients, finished };
}
