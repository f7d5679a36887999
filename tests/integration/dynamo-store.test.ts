import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo/deliveries.ts';
import { DynamoIssueStore } from '../../functions/adapters/dynamo/issues.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscribers.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { testSettings } from '../helpers/factories.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => dynamo.close());

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;

describe('subscriber store (DynamoDB via dynalite)', () => {
  it('pending → confirmed → unsubscribed → pending again, with versions voiding old links', async () => {
    const store = new DynamoSubscriberStore(dynamo.docs, await dynamo.table());
    const first = await store.requestConfirmation('ann@example.com', T0, 10 * MIN, at(7 * 24 * 60 * MIN));
    expect(first).toMatchObject({ id: subscriberId('ann@example.com'), state: 'pending', version: 1 });
    // Inside the cool-down nothing new is sent.
    expect(await store.requestConfirmation('ann@example.com', at(MIN), 10 * MIN, at(MIN))).toBeUndefined();
    const second = await store.requestConfirmation('ann@example.com', at(11 * MIN), 10 * MIN, at(MIN));
    expect(second?.version).toBe(2);
    expect(await store.confirm(first!.id, 1, at(12 * MIN))).toBe('stale');
    expect(await store.confirm(first!.id, 2, at(12 * MIN))).toBe('confirmed');
    expect(await store.confirm(first!.id, 2, at(13 * MIN))).toBe('already-confirmed');
    expect(await store.requestConfirmation('ann@example.com', at(60 * MIN), 10 * MIN, at(MIN))).toBeUndefined();
    expect(await store.unsubscribe(first!.id, at(70 * MIN))).toBe('unsubscribed');
    expect(await store.unsubscribe(first!.id, at(71 * MIN))).toBe('already');
    const after = await store.get(first!.id);
    expect(after).toMatchObject({ state: 'unsubscribed', version: 3 });
    // The confirmation link from before no longer re-subscribes.
    expect(await store.confirm(first!.id, 2, at(72 * MIN))).toBe('stale');
    const again = await store.requestConfirmation('ann@example.com', at(80 * MIN), 10 * MIN, at(MIN));
    expect(again).toMatchObject({ state: 'pending', version: 4 });
    expect(await store.confirm(first!.id, 4, at(81 * MIN))).toBe('confirmed');
    expect(await store.unsubscribe('nobody', T0)).toBe('missing');
  });

  it('suppresses on complaint and after the transient-bounce threshold; suppressed never comes back by subscribing', async () => {
    const store = new DynamoSubscriberStore(dynamo.docs, await dynamo.table());
    await store.addConfirmed('bob@example.com', T0);
    await store.addConfirmed('cat@example.com', T0);
    expect(await store.recordSoftBounce('bob@example.com', T0, 3)).toBe('counted');
    expect(await store.recordSoftBounce('bob@example.com', T0, 3)).toBe('counted');
    expect(await store.recordSoftBounce('bob@example.com', T0, 3)).toBe('suppressed');
    expect(await store.get(subscriberId('bob@example.com'))).toMatchObject({ state: 'suppressed', suppressedReason: '3 transient bounces' });
    expect(await store.suppress('cat@example.com', 'complaint', T0)).toBe(true);
    expect(await store.suppress('cat@example.com', 'complaint', T0)).toBe(false);
    expect(await store.requestConfirmation('cat@example.com', at(MIN), 0, at(MIN))).toBeUndefined();
    expect(await store.recordSoftBounce('nobody@example.com', T0, 3)).toBe('missing');
    expect(await store.countByState()).toEqual({ pending: 0, confirmed: 0, unsubscribed: 0, suppressed: 2 });
  });

  it('pages confirmed subscribers in id order without loading the list, and counts states', async () => {
    const store = new DynamoSubscriberStore(dynamo.docs, await dynamo.table());
    for (let i = 0; i < 25; i++) await store.addConfirmed(`reader${i}@example.com`, T0);
    await store.requestConfirmation('pending@example.com', T0, 0, at(MIN));
    expect(await store.addConfirmed('reader1@example.com', T0)).toBe(false);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await store.pageByState('confirmed', after, 10);
      expect(page.items.length).toBeLessThanOrEqual(10);
      seen.push(...page.items.map((s) => s.email));
      after = page.cursor;
      pages++;
    } while (after);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(25);
    expect(seen).not.toContain('pending@example.com');
    expect(await store.countByState()).toEqual({ pending: 1, confirmed: 25, unsubscribed: 0, suppressed: 0 });
  });
});

describe('delivery and issue records', () => {
  it('a delivery is claimed once; released claims and in-doubt claims can be claimed again', async () => {
    const deliveries = new DynamoDeliveryStore(dynamo.docs, await dynamo.table());
    expect(await deliveries.claim('I1', 's1', T0, 15 * MIN)).toBe('claimed');
    expect(await deliveries.claim('I1', 's1', at(MIN), 15 * MIN)).toBe('busy');
    await deliveries.release('I1', 's1');
    expect(await deliveries.claim('I1', 's1', at(2 * MIN), 15 * MIN)).toBe('claimed');
    await deliveries.markSent('I1', 's1', 'm-1', at(2 * MIN));
    expect(await deliveries.claim('I1', 's1', at(60 * MIN), 15 * MIN)).toBe('sent');
    expect(await deliveries.claim('I1', 's2', T0, 15 * MIN)).toBe('claimed');
    expect(await deliveries.claim('I1', 's2', at(16 * MIN), 15 * MIN)).toBe('claimed');
    await deliveries.markFailed('I1', 's2', 'rejected', at(16 * MIN));
    expect(await deliveries.claim('I1', 's2', at(99 * MIN), 15 * MIN)).toBe('failed');
    expect(await deliveries.markSkipped('I1', 's3', 'unsubscribed', T0)).toBe(true);
    expect(await deliveries.markSkipped('I1', 's3', 'unsubscribed', T0)).toBe(false);
  });

  it('the watermark moves only when planning is complete and every batch is done, once', async () => {
    const issues = new DynamoIssueStore(dynamo.docs, await dynamo.table());
    const base = {
      settings: testSettings(),
      listId: 'L', scheduledFor: T0, windowStart: at(-7 * 24 * 60 * MIN), windowEnd: T0, articleIds: ['a'], subject: 'S', html: '<p>h</p>', text: 't',
      status: 'planning' as const, batchesPlanned: 0, planComplete: false, batchesDone: 0, sent: 0, skipped: 0, failed: 0, createdAt: T0,
    };
    expect(await issues.openIssue('L', 'I1')).toBe(true);
    expect(await issues.openIssue('L', 'I2')).toBe(false);
    expect(await issues.createIssue({ id: 'I1', ...base })).toBe('created');
    expect(await issues.createIssue({ id: 'I1', ...base })).toBe('exists');
    const recipients = [{ id: 'x', email: 'x@example.com', unsubscribeToken: 'token.signature' }];
    expect(await issues.putBatch({ issueId: 'I1', batch: 1, recipients })).toBe('created');
    expect(await issues.putBatch({ issueId: 'I1', batch: 1, recipients: [] })).toBe('exists');
    expect((await issues.getBatch('I1', 1))?.recipients).toEqual(recipients);
    expect(await issues.advancePlan('I1', 0, { batchesPlanned: 1, planCursor: 'x', planComplete: false })).toBe(true);
    expect(await issues.advancePlan('I1', 0, { batchesPlanned: 1, planCursor: 'x', planComplete: false })).toBe(false);
    expect(await issues.completeBatch('I1', 1)).toBe(true);
    expect(await issues.completeBatch('I1', 1)).toBe(false);
    expect(await issues.finishIssue({ id: 'I1', listId: 'L', windowEnd: T0 }, T0)).toBe(false);
    expect((await issues.getListState('L')).watermark).toBeUndefined();
    expect(await issues.advancePlan('I1', 1, { batchesPlanned: 1, planComplete: true })).toBe(true);
    expect(await issues.finishIssue({ id: 'I1', listId: 'L', windowEnd: T0 }, T0)).toBe(true);
    expect(await issues.finishIssue({ id: 'I1', listId: 'L', windowEnd: T0 }, T0)).toBe(true);
    expect(await issues.getListState('L')).toEqual({ watermark: T0, lastIssueId: 'I1', openIssueId: undefined });
    expect((await issues.getIssue('I1'))?.status).toBe('sent');
    expect(await issues.openIssue('L', 'I2')).toBe(true);
  });
});
