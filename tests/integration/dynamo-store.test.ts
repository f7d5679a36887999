import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoClaimStore } from '../../functions/adapters/dynamo/claims.ts';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo/deliveries.ts';
import { DynamoIssueStore } from '../../functions/adapters/dynamo/issues.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscribers.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { settleDelivered } from '../../functions/local/outbox-events.ts';
import { KEPT_REQUESTS } from '../../functions/core/subscribers/ledger.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { issueContent, issueRecord, testSettings } from '../helpers/factories.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => dynamo.close());

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;

const request = (store: DynamoSubscriberStore, email: string, now: Date, coolDownMs = 10 * MIN) =>
  store.requestSubscription(email, now, { coolDownMs, pendingExpiry: at(7 * 24 * 60 * MIN), source: 'form' });

/** The item as DynamoDB holds it (to see attributes the store does not hand back, such as ttl). */
async function rawItem(table: string, email: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await dynamo.docs.send(new GetCommand({ TableName: table, Key: { pk: `SUB#${subscriberId(email)}`, sk: 'PROFILE' }, ConsistentRead: true }));
  return Item;
}

describe('subscriber store (DynamoDB via dynalite)', () => {
  it('pending → confirmed → unsubscribed → confirmed again, with versions voiding old links', async () => {
    const store = new DynamoSubscriberStore(dynamo.docs, await dynamo.table());
    const first = await request(store, 'ann@example.com', T0);
    expect(first).toMatchObject({ mail: 'confirm', subscriber: { id: subscriberId('ann@example.com'), state: 'pending', version: 1 } });
    await store.markMailSent(first!.subscriber.id, T0);
    // Inside the cool-down after a mail went out, nothing new is recorded or sent.
    expect(await request(store, 'ann@example.com', at(MIN))).toBeUndefined();
    const second = await request(store, 'ann@example.com', at(11 * MIN));
    expect(second?.subscriber.version).toBe(2);
    expect(await store.confirm(first!.subscriber.id, 1, at(12 * MIN), 'confirmation-link')).toBe('stale');
    expect(await store.confirm(first!.subscriber.id, 2, at(12 * MIN), 'confirmation-link')).toBe('confirmed');
    expect(await store.confirm(first!.subscriber.id, 2, at(13 * MIN), 'confirmation-link')).toBe('already-confirmed');
    // A confirmed address asking again gets a note, and nothing about it changes.
    expect(await request(store, 'ann@example.com', at(60 * MIN))).toMatchObject({ mail: 'already-subscribed', subscriber: { state: 'confirmed', version: 2 } });
    expect(await store.unsubscribe(first!.subscriber.id, at(70 * MIN), 'one-click')).toBe('unsubscribed');
    expect(await store.unsubscribe(first!.subscriber.id, at(71 * MIN), 'one-click')).toBe('already');
    expect(await store.get(first!.subscriber.id)).toMatchObject({ state: 'unsubscribed', version: 3 });
    // The confirmation link from before no longer re-subscribes.
    expect(await store.confirm(first!.subscriber.id, 2, at(72 * MIN), 'confirmation-link')).toBe('stale');
    const again = await request(store, 'ann@example.com', at(80 * MIN));
    expect(again).toMatchObject({ mail: 'confirm', subscriber: { state: 'unsubscribed', version: 4, request: { version: 4 } } });
    expect(await store.confirm(first!.subscriber.id, 4, at(81 * MIN), 'confirmation-link')).toBe('confirmed');
    expect(await store.get(first!.subscriber.id)).toMatchObject({ state: 'confirmed', request: undefined });
    expect(await store.unsubscribe('nobody', T0, 'one-click')).toBe('missing');
  });

  it('an opt-out holds against a stranger\'s subscribe request: unmailable, never expiring, lifted only by the link from that mailbox', async () => {
    const table = await dynamo.table();
    const store = new DynamoSubscriberStore(dynamo.docs, table);
    await store.addConfirmed('xan@example.com', T0, 'cli');
    await store.unsubscribe(subscriberId('xan@example.com'), at(MIN), 'one-click');
    await store.addConfirmed('yul@example.com', T0, 'cli');
    await store.suppress('yul@example.com', 'complaint: abuse', at(MIN), 'complaint');
    for (const email of ['xan@example.com', 'yul@example.com']) {
      const before = await store.get(subscriberId(email));
      const stranger = await request(store, email, at(2 * MIN));
      expect(stranger?.mail).toBe('confirm');
      const after = await store.get(subscriberId(email));
      expect(after).toMatchObject({ state: before!.state, request: { version: before!.version + 1 } });
      // No expiry is put on the record: on AWS a ttl would delete the opt-out itself.
      expect(await rawItem(table, email)).not.toHaveProperty('ttl');
      expect(await store.confirm(after!.id, before!.version, at(3 * MIN), 'confirmation-link')).toBe('stale');
    }
    expect((await store.pageByState('confirmed', undefined, 100)).items).toEqual([]);
    expect(await store.countByState()).toEqual({ pending: 0, confirmed: 0, unsubscribed: 1, suppressed: 1 });
    // A one-click unsubscribe from an old digest withdraws the open request; the suppression stays.
    expect(await store.unsubscribe(subscriberId('yul@example.com'), at(4 * MIN), 'one-click')).toBe('unsubscribed');
    const yul = await store.get(subscriberId('yul@example.com'));
    expect(yul).toMatchObject({ state: 'suppressed', request: undefined });
    // Only the person's own confirmation of the open request lifts the opt-out.
    const xan = (await store.get(subscriberId('xan@example.com')))!;
    expect(await store.confirm(xan.id, xan.request!.version, at(5 * MIN), 'confirmation-link')).toBe('confirmed');
    expect(await store.get(xan.id)).toMatchObject({ state: 'confirmed', request: undefined });
    expect(xan.history.map((e) => [e.type, e.source])).toEqual([['added', 'cli'], ['unsubscribed', 'one-click'], ['subscribe-requested', 'form']]);
    expect((await store.get(xan.id))!.history.at(-1)).toMatchObject({ type: 'confirmed', source: 'confirmation-link' });
  });

  it('starts the cool-down only when a mail really went out, and keeps the ledger small whatever a stranger repeats', async () => {
    const store = new DynamoSubscriberStore(dynamo.docs, await dynamo.table());
    const first = await request(store, 'kim@example.com', T0);
    // The mail failed: no markMailSent. The person can try again at once.
    expect(await request(store, 'kim@example.com', at(MIN))).toMatchObject({ mail: 'confirm', subscriber: { version: 2 } });
    await store.markMailSent(first!.subscriber.id, at(MIN));
    expect(await request(store, 'kim@example.com', at(2 * MIN))).toBeUndefined();
    await store.confirm(first!.subscriber.id, 2, at(3 * MIN), 'confirmation-link');
    await store.unsubscribe(first!.subscriber.id, at(4 * MIN), 'one-click');
    for (let i = 0; i < 40; i++) await request(store, 'kim@example.com', at((5 + i) * MIN), 0);
    const kim = (await store.get(first!.subscriber.id))!;
    expect(kim.state).toBe('unsubscribed');
    expect(kim.history.filter((e) => e.type === 'subscribe-requested')).toHaveLength(KEPT_REQUESTS);
    expect(kim.history.map((e) => e.type)).toEqual(expect.arrayContaining(['confirmed', 'unsubscribed']));
  });

  it('suppresses on complaint and after the transient-bounce threshold; suppressed never comes back by subscribing alone', async () => {
    const store = new DynamoSubscriberStore(dynamo.docs, await dynamo.table());
    await store.addConfirmed('bob@example.com', T0, 'cli');
    await store.addConfirmed('cat@example.com', T0, 'cli');
    expect(await store.recordSoftBounce('bob@example.com', T0, 3)).toBe('counted');
    expect(await store.recordSoftBounce('bob@example.com', T0, 3)).toBe('counted');
    expect(await store.recordSoftBounce('bob@example.com', T0, 3)).toBe('suppressed');
    expect(await store.get(subscriberId('bob@example.com'))).toMatchObject({ state: 'suppressed', suppressedReason: '3 transient bounces' });
    expect(await store.suppress('cat@example.com', 'complaint', T0, 'complaint')).toBe(true);
    expect(await store.suppress('cat@example.com', 'complaint', T0, 'complaint')).toBe(false);
    expect(await request(store, 'cat@example.com', at(MIN), 0)).toMatchObject({ mail: 'confirm' });
    expect((await store.get(subscriberId('cat@example.com')))?.state).toBe('suppressed');
    expect(await store.recordSoftBounce('nobody@example.com', T0, 3)).toBe('missing');
    expect(await store.countByState()).toEqual({ pending: 0, confirmed: 0, unsubscribed: 0, suppressed: 2 });
  });

  it('restores a whole record in one write, only when the address is absent', async () => {
    const table = await dynamo.table();
    const store = new DynamoSubscriberStore(dynamo.docs, table);
    const record = {
      id: subscriberId('old@example.com'), email: 'old@example.com', state: 'unsubscribed' as const, version: 1, createdAt: T0, updatedAt: T0,
      unsubscribedAt: at(MIN), softBounces: 0, request: { version: 1, at: at(2 * MIN) }, history: [{ at: at(MIN), type: 'unsubscribed' as const, source: 'one-click' as const }],
    };
    expect(await store.restore(record, at(MIN))).toBe(true);
    expect(await store.restore({ ...record, state: 'confirmed' }, at(MIN))).toBe(false);
    expect(await store.get(record.id)).toMatchObject({ state: 'unsubscribed', request: { version: 1 }, history: [{ type: 'unsubscribed', source: 'one-click' }] });
    expect(await rawItem(table, 'old@example.com')).not.toHaveProperty('ttl');
    expect(await store.restore({ ...record, id: subscriberId('new@example.com'), email: 'new@example.com', state: 'pending' }, at(MIN))).toBe(true);
    expect(await rawItem(table, 'new@example.com')).toHaveProperty('ttl', Math.floor(at(MIN).getTime() / 1000));
  });

  it('pages confirmed subscribers in id order without loading the list, and counts states', async () => {
    const store = new DynamoSubscriberStore(dynamo.docs, await dynamo.table());
    for (let i = 0; i < 25; i++) await store.addConfirmed(`reader${i}@example.com`, T0, 'cli');
    await request(store, 'pending@example.com', T0, 0);
    expect(await store.addConfirmed('reader1@example.com', T0, 'cli')).toBe(false);
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
  it('a chunk is claimed once; a partial chunk, or one in doubt, can be claimed again by whoever read it last', async () => {
    const claims = new DynamoClaimStore(dynamo.docs, await dynamo.table());
    const counts = { sent: 0, skipped: 0, failed: 0 };
    const doubt = (now: Date) => new Date(now.getTime() - 15 * MIN);
    expect(await claims.read('I1', 1)).toEqual({ chunkSize: undefined, chunks: new Map() });
    expect(await claims.claim('I1', 1, 0, { by: 'a', at: T0, chunkSize: 10, doubtBefore: doubt(T0) })).toBe(true);
    // A second attempt that read the chunk as new, or with another chunk size, is refused.
    expect(await claims.claim('I1', 1, 0, { by: 'b', at: at(MIN), chunkSize: 10, doubtBefore: doubt(at(MIN)) })).toBe(false);
    expect(await claims.claim('I1', 1, 1, { by: 'b', at: at(MIN), chunkSize: 25, doubtBefore: doubt(at(MIN)) })).toBe(false);
    const sending = (await claims.read('I1', 1)).chunks.get(0)!;
    expect(sending).toEqual({ status: 'sending', by: 'a', at: T0, todo: undefined, counts });
    // Not in doubt yet; then in doubt, taken over by the attempt that read it.
    expect(await claims.claim('I1', 1, 0, { by: 'b', at: at(MIN), chunkSize: 10, previous: sending, doubtBefore: doubt(at(MIN)) })).toBe(false);
    expect(await claims.claim('I1', 1, 0, { by: 'b', at: at(16 * MIN), chunkSize: 10, previous: sending, doubtBefore: doubt(at(16 * MIN)) })).toBe(true);
    // The first attempt can no longer record it; the one holding it can.
    expect(await claims.record('I1', 1, 0, { status: 'done', by: 'a', at: at(17 * MIN), counts: { sent: 10, skipped: 0, failed: 0 } })).toBe(false);
    expect(await claims.record('I1', 1, 0, { status: 'partial', by: 'b', at: at(17 * MIN), todo: [3, 7], counts: { sent: 7, skipped: 1, failed: 0 } })).toBe(true);
    const partial = (await claims.read('I1', 1)).chunks.get(0)!;
    expect(partial).toEqual({ status: 'partial', by: 'b', at: at(17 * MIN), todo: [3, 7], counts: { sent: 7, skipped: 1, failed: 0 } });
    // A partial chunk is claimed again at once, with what it still has to do.
    expect(await claims.claim('I1', 1, 0, { by: 'c', at: at(18 * MIN), chunkSize: 10, previous: partial, doubtBefore: doubt(at(18 * MIN)) })).toBe(true);
    expect(await claims.claim('I1', 1, 0, { by: 'd', at: at(18 * MIN), chunkSize: 10, previous: partial, doubtBefore: doubt(at(18 * MIN)) })).toBe(false);
    expect((await claims.read('I1', 1)).chunks.get(0)).toEqual({ status: 'sending', by: 'c', at: at(18 * MIN), todo: [3, 7], counts: { sent: 7, skipped: 1, failed: 0 } });
    expect((await claims.read('I1', 1)).chunkSize).toBe(10);
  });

  it('a delivery record: skipped once, each kind of event once, sent from SES\'s Send event', async () => {
    const deliveries = new DynamoDeliveryStore(dynamo.docs, await dynamo.table());
    expect(await deliveries.markSkipped('I1', 's3', 'unsubscribed', T0)).toBe(true);
    expect(await deliveries.markSkipped('I1', 's3', 'unsubscribed', T0)).toBe(false);
    // Delivery may arrive before Send: the message counts as sent either way.
    expect(await deliveries.recordEvent('I1', 's1', 'delivered', at(2 * MIN))).toBe(true);
    expect(await deliveries.recordEvent('I1', 's1', 'delivered', at(3 * MIN))).toBe(false);
    await deliveries.markSent('I1', 's1', 'm-1', at(MIN));
    await deliveries.markSent('I1', 's1', 'm-1', at(5 * MIN));
    await deliveries.markFailed('I1', 's2', 'rejected', T0);
    // A failure never overwrites a message SES accepted.
    await deliveries.markFailed('I1', 's1', 'late', T0);
    const recorded = await deliveries.recorded('I1', ['s1', 's2', 's3', 's4']);
    expect(Object.fromEntries([...recorded].map(([id, r]) => [id, r.status]))).toEqual({ s1: 'sent', s2: 'failed', s3: 'skipped' });
    const [record] = await deliveries.forSubscriber('s1', ['I1']);
    expect(record).toMatchObject({ status: 'sent', sentAt: at(MIN), deliveredAt: at(2 * MIN), openedAt: undefined });
  });

  it('after a local crash: messages whose Delivery was cut off are recorded delivered, and the issue counts each once', async () => {
    const table = await dynamo.table();
    const deliveries = new DynamoDeliveryStore(dynamo.docs, table);
    const issues = new DynamoIssueStore(dynamo.docs, table);
    const issue = issueRecord(testSettings(), { id: 'SETTLE', listId: 'L', scheduledFor: T0 });
    await issues.createIssue(issue);
    // s1 went through both events and was counted; s2 and s3 got their Send but the process died before
    // their Delivery; s4 was skipped; s5's Delivery was recorded but its count was lost.
    for (const s of ['s1', 's2', 's3', 's5']) await deliveries.markSent('SETTLE', s, `m-${s}`, T0);
    await deliveries.recordEvent('SETTLE', 's1', 'delivered', T0);
    await issues.addCounts('SETTLE', { delivered: 1 });
    await deliveries.recordEvent('SETTLE', 's5', 'delivered', T0);
    await deliveries.markSkipped('SETTLE', 's4', 'unsubscribed', T0);
    expect(await deliveries.eventTally('SETTLE', 'delivered')).toEqual({ counted: 2, missing: ['s2', 's3'] });

    await settleDelivered({ deliveries, issues }, 'SETTLE', () => at(MIN));
    expect((await issues.getIssue('SETTLE'))?.delivered).toBe(4);
    expect(await deliveries.eventTally('SETTLE', 'delivered')).toEqual({ counted: 4, missing: [] });
    expect((await deliveries.forSubscriber('s2', ['SETTLE']))[0]).toMatchObject({ status: 'sent', deliveredAt: at(MIN) });
    // Settling again changes nothing.
    await settleDelivered({ deliveries, issues }, 'SETTLE', () => at(2 * MIN));
    expect((await issues.getIssue('SETTLE'))?.delivered).toBe(4);
  });

  it('one subscriber\'s deliveries across issues come back in the order asked, with status, reason and times', async () => {
    const deliveries = new DynamoDeliveryStore(dynamo.docs, await dynamo.table());
    await deliveries.markSent('H1', 'who', 'm-h1', at(MIN));
    expect(await deliveries.recordEvent('H1', 'who', 'opened', at(9 * MIN))).toBe(true);
    expect(await deliveries.markSkipped('H2', 'who', 'unsubscribed', at(2 * MIN))).toBe(true);
    const history = await deliveries.forSubscriber('who', ['H3', 'H2', 'H1']);
    expect(history.map((d) => [d.issueId, d.status, d.reason])).toEqual([['H2', 'skipped', 'unsubscribed'], ['H1', 'sent', undefined]]);
    expect(history[1]!.sentAt).toEqual(at(MIN));
    expect(history[1]!.openedAt).toEqual(at(9 * MIN));
    expect(await deliveries.forSubscriber('nobody', ['H1'])).toEqual([]);
  });

  it('the watermark moves only when planning is complete and every batch is done, once', async () => {
    const issues = new DynamoIssueStore(dynamo.docs, await dynamo.table());
    const base = issueRecord(testSettings(), { listId: 'L', scheduledFor: T0, status: 'planning' });
    expect(await issues.openIssue('L', 'I1')).toBe(true);
    expect(await issues.openIssue('L', 'I2')).toBe(false);
    expect(await issues.createIssue({ ...base, id: 'I1' })).toBe('created');
    expect(await issues.createIssue({ ...base, id: 'I1' })).toBe('exists');
    const recipients = [{ id: 'x', email: 'x@example.com', unsubscribeToken: 'token.signature' }];
    expect(await issues.putBatch({ issueId: 'I1', batch: 1, recipients })).toBe('created');
    expect(await issues.putBatch({ issueId: 'I1', batch: 1, recipients: [] })).toBe('exists');
    expect((await issues.getBatch('I1', 1))?.recipients).toEqual(recipients);
    expect(await issues.advancePlan('I1', 0, { batchesPlanned: 1, planCursor: 'x', planComplete: false })).toBe(true);
    expect(await issues.advancePlan('I1', 0, { batchesPlanned: 1, planCursor: 'x', planComplete: false })).toBe(false);
    // Planning is not complete yet: the batch is done, but the issue is not.
    expect(await issues.completeBatch('I1', 1)).toBe(false);
    expect(await issues.completeBatch('I1', 1)).toBe(false);
    expect((await issues.getIssue('I1'))?.batchesDone).toBe(1);
    expect(await issues.finishIssue({ id: 'I1', listId: 'L', windowEnd: T0 }, T0)).toBe(false);
    expect((await issues.getListState('L')).watermark).toBeUndefined();
    expect(await issues.advancePlan('I1', 1, { batchesPlanned: 1, planComplete: true })).toBe(true);
    // Recorded again (a redelivered batch): counted once, and now the issue can finish.
    expect(await issues.completeBatch('I1', 1)).toBe(true);
    expect((await issues.getIssue('I1'))?.batchesDone).toBe(1);
    expect(await issues.finishIssue({ id: 'I1', listId: 'L', windowEnd: T0 }, T0)).toBe(true);
    expect(await issues.finishIssue({ id: 'I1', listId: 'L', windowEnd: T0 }, T0)).toBe(true);
    expect(await issues.getListState('L')).toEqual({ watermark: T0, lastIssueId: 'I1', openIssueId: undefined });
    expect((await issues.getIssue('I1'))?.status).toBe('sent');
    expect(await issues.openIssue('L', 'I2')).toBe(true);
  });

  it('keeps the content an issue was planned with, and lists issues newest first without their digest', async () => {
    const issues = new DynamoIssueStore(dynamo.docs, await dynamo.table());
    const settings = testSettings();
    for (let week = 0; week < 5; week++) {
      await issues.createIssue(issueRecord(settings, { listId: 'L', scheduledFor: at(week * 7 * 24 * 60 * MIN), content: issueContent({ subject: `Week ${week}`, html: `<p>${'x'.repeat(50_000)}</p>` }) }));
    }
    const stored = await issues.getIssue(issueRecord(settings, { scheduledFor: T0 }).id);
    expect(stored?.content).toEqual(issueContent({ subject: 'Week 0', html: `<p>${'x'.repeat(50_000)}</p>` }));
    const first = await issues.listIssues('L', { limit: 2 });
    expect(first.issues.map((i) => i.subject)).toEqual(['Week 4', 'Week 3']);
    expect(first.issues[0]).not.toHaveProperty('content');
    expect(first.issues[0]!.articles).toEqual(issueContent().articles);
    const rest = await issues.listIssues('L', { limit: 10, after: first.cursor });
    expect(rest.issues.map((i) => i.subject)).toEqual(['Week 2', 'Week 1', 'Week 0']);
    expect(rest.cursor).toBeUndefined();
  });
});
