import { issueIdFor } from '../issue/id.ts';
import { IssueSchedule } from '../issue/schedule.ts';
import { NO_EVENT_COUNTS, type IssueRecord } from '../issue/types.ts';
import { issueWindow } from '../issue/window.ts';
import { LEGACY_NEWSLETTER_ID, newslettersOf, settingsFor, type Newsletter } from '../newsletters/list.ts';
import { receives } from '../newsletters/membership.ts';
import type { Logger } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { preferencesToken, unsubscribeToken } from '../subscribers/links.ts';
import type { Subscriber, SubscriberStore } from '../subscribers/types.ts';
import { PlanningError } from './errors.ts';
import type { DeliveryQueue, IssueArchivePublisher, IssueComposer, IssueStore } from './ports.ts';
import type { BatchMessage } from './types.ts';

/** How far ahead of the real time a send may be asked for (a scheduler firing a little early); anything later is refused. */
export const PLAN_AHEAD_MS = 5 * 60_000;

export interface PlanDeps {
  issues: IssueStore;
  subscribers: SubscriberStore;
  queue: DeliveryQueue;
  composer: IssueComposer;
  /** Writes the issue's archive page before the first message goes out, so "view in browser" resolves. */
  archive?: IssueArchivePublisher | undefined;
  log: Logger;
  settings: Settings;
  /** Signs each recipient's unsubscribe and preferences links (the delivery worker has no key). */
  tokenKey: string | Uint8Array;
  /** Recipients per queue message. */
  batchSize: number;
}

export type PlanResult =
  | { outcome: 'no-articles'; issueId: string }
  | { outcome: 'blocked'; issueId: string; openIssueId: string }
  | { outcome: 'planned' | 'resumed' | 'already-planned'; issueId: string; batches: number; recipients: number; finished: boolean };

/**
 * The newsletter a send names (an id), or with none the legacy newsletter when there is one (a schedule
 * made before newsletters sends no id). An unknown id is a PlanningError naming the ones there are.
 */
export function newsletterToPlan(settings: Settings, id: string | undefined): Newsletter {
  const all = newslettersOf(settings);
  const wanted = id ?? (all.some((n) => n.id === LEGACY_NEWSLETTER_ID) ? LEGACY_NEWSLETTER_ID : undefined);
  const found = all.find((n) => n.id === wanted);
  if (!found) throw new PlanningError(`${id === undefined ? 'no newsletter named' : `no newsletter "${id}"`}: name one of ${all.map((n) => n.id).join(', ')}`);
  return found;
}

/**
 * The scheduled time a send asked for at `requested` plans: the latest time of the newsletter's
 * schedule at or before it, so every issue is named after a scheduled time (and preview, send and the
 * archive agree). A time more than PLAN_AHEAD_MS after `now` is refused: nothing is sent ahead of its time.
 */
export function scheduledIssueTime(newsletter: Pick<Newsletter, 'schedule'>, requested: Date, now: Date): Date {
  if (requested.getTime() > now.getTime() + PLAN_AHEAD_MS) {
    throw new PlanningError(
      `${requested.toISOString()} is in the future (now is ${now.toISOString()}): an issue is sent at its scheduled time, not ahead of it`,
    );
  }
  const scheduled = new IssueSchedule(newsletter.schedule).latestAtOrBefore(requested);
  if (!scheduled) throw new PlanningError(`the schedule "${newsletter.schedule.cron}" has no time at or before ${requested.toISOString()}`);
  return scheduled;
}

/**
 * The next batch of `newsletter`'s recipients after the subscriber id `after`: confirmed subscribers are
 * paged in id order and those who do not receive it are passed over (no index per newsletter: records
 * made before newsletters carry no choices, and need none). `last` is the last id read, to page on from.
 */
async function nextRecipients(store: SubscriberStore, newsletter: string, after: string | undefined, size: number): Promise<{ members: Subscriber[]; last: string | undefined; done: boolean }> {
  const members: Subscriber[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.pageByState('confirmed', cursor, size);
    for (const s of page.items) {
      if (receives(s, newsletter)) members.push(s);
      cursor = s.id;
      if (members.length === size) return { members, last: cursor, done: page.cursor === undefined && s === page.items.at(-1) };
    }
    if (page.cursor === undefined || page.items.length === 0) return { members, last: cursor, done: true };
  }
}

/**
 * Plans the issue of `newsletter` a send at `requested` stands for (see scheduledIssueTime): chooses and
 * renders its articles once (only those it carries, none dated after `now`), records it under a key
 * derived from the newsletter and the scheduled time, writes its archive page, and enqueues its
 * subscribers in batches while paging the store. Each newsletter has its own watermark and open issue.
 * Safe to repeat: a duplicated or retried event finds the issue and resumes where planning stopped.
 */
export async function planIssue(deps: PlanDeps, newsletter: Newsletter, requested: Date, now: Date): Promise<PlanResult> {
  const scheduledFor = scheduledIssueTime(newsletter, requested, now);
  const issueId = issueIdFor(scheduledFor, newsletter.id);
  const listId = newsletter.listId;
  let issue = await deps.issues.getIssue(issueId);
  let fresh = false;
  if (!issue) {
    const list = await deps.issues.getListState(listId);
    if (list.openIssueId && list.openIssueId !== issueId) {
      deps.log.warn('earlier issue still sending; this one waits', { issueId, openIssueId: list.openIssueId });
      return { outcome: 'blocked', issueId, openIssueId: list.openIssueId };
    }
    const window = issueWindow({ watermark: list.watermark, scheduledFor, lookbackDays: newsletter.lookbackDays, now });
    const { content, until } = window.end > window.start ? await deps.composer.compose({ issueId, scheduledFor, window, newsletter }) : { content: undefined, until: window.end };
    if (!content) {
      deps.log.info('no articles since the last issue: nothing to send', { issueId, watermark: list.watermark?.toISOString() });
      return { outcome: 'no-articles', issueId };
    }
    if (!(await deps.issues.openIssue(listId, issueId))) {
      const openIssueId = (await deps.issues.getListState(listId)).openIssueId ?? 'unknown';
      return { outcome: 'blocked', issueId, openIssueId };
    }
    const record: IssueRecord = {
      id: issueId,
      newsletter: newsletter.id,
      settings: settingsFor(deps.settings, newsletter),
      listId,
      scheduledFor,
      windowStart: window.start,
      windowEnd: until,
      content,
      status: 'planning',
      batchesPlanned: 0,
      planComplete: false,
      batchesDone: 0,
      sent: 0,
      skipped: 0,
      failed: 0,
      ...NO_EVENT_COUNTS,
      createdAt: now,
    };
    fresh = (await deps.issues.createIssue(record)) === 'created';
    issue = (await deps.issues.getIssue(issueId))!;
    deps.log.info('issue recorded', { issueId, articles: content.articles.length, subject: content.subject });
  }
  if (deps.archive && issue.batchesPlanned === 0) {
    // Before the first batch: the mail's "view in browser" link must resolve when it arrives.
    try {
      await deps.archive.publish(issue);
    } catch (error) {
      deps.log.error('archive page not written; the next site build writes it', { issueId, error: (error as Error).message });
    }
  }
  if (issue.planComplete) {
    const finished = await deps.issues.finishIssue(issue, now);
    return { outcome: 'already-planned', issueId, batches: issue.batchesPlanned, recipients: 0, finished };
  }

  let batches = issue.batchesPlanned;
  let after = issue.planCursor;
  let recipients = 0;
  const keys = { tokenKey: deps.tokenKey, newsletters: newslettersOf(deps.settings) };
  for (;;) {
    const page = await nextRecipients(deps.subscribers, newsletter.id, after, deps.batchSize);
    if (page.members.length === 0) {
      await deps.issues.advancePlan(issueId, batches, { batchesPlanned: batches, planComplete: true });
      break;
    }
    const number = batches + 1;
    const signed = page.members.map((s) => ({
      id: s.id,
      email: s.email,
      unsubscribeToken: unsubscribeToken(keys, s.id, newsletter),
      preferencesToken: preferencesToken(keys, s.id),
    }));
    let batch: BatchMessage = { issueId, batch: number, recipients: signed };
    if ((await deps.issues.putBatch(batch)) === 'exists') {
      // An earlier attempt recorded this batch but stopped before moving on: send what it recorded.
      batch = (await deps.issues.getBatch(issueId, number))!;
    }
    await deps.queue.enqueue(batch);
    recipients += batch.recipients.length;
    // Paging resumes after the batch's last recipient: subscribers passed over after it are read again, and passed over again.
    const last = batch.recipients[batch.recipients.length - 1]!.id;
    const done = page.done;
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
