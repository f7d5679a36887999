import { describe, expect, it } from 'vitest';
import type { Mailer } from '../../functions/core/ports.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { verifyToken } from '../../functions/core/tokens.ts';
import { snsEvent, sqsEvent } from '../helpers/events.ts';
import { ISSUE, SEND, sendingWorlds } from '../helpers/send-world.ts';
import type { SesStandIn, StandInOptions } from '../helpers/ses-standin.ts';
import { TOKEN_KEY, type World } from '../helpers/world.ts';

const READERS = Array.from({ length: 20 }, (_, i) => `reader${String(i).padStart(2, '0')}@example.com`);

const worlds = sendingWorlds();
let ses: SesStandIn | undefined;

async function setUp(options: StandInOptions = {}, mailer?: (real: Mailer) => Mailer): Promise<World> {
  const world = await worlds.setUp(READERS, options, mailer);
  ses = worlds.ses();
  return world;
}

/** Every confirmed reader received exactly one digest, and nobody else received anything. */
function expectExactlyOnce(expected = READERS) {
  const counts = new Map<string, number>();
  for (const m of ses!.messages) for (const d of m.destinations) counts.set(d, (counts.get(d) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual([...expected].sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
}

describe('exactly one digest per confirmed subscriber (dynalite + loopback SES, real SDK clients)', () => {
  it('the same scheduled event delivered twice plans the issue once', async () => {
    const world = await setUp();
    expect(await world.handlers.planIssue({ time: SEND })).toMatchObject({ outcome: 'planned', batches: 4, recipients: 20 });
    expect(await world.handlers.planIssue({ time: SEND })).toMatchObject({ outcome: 'already-planned', batches: 4 });
    const messages = world.queue.drain();
    expect(messages).toHaveLength(4);
    expect((await world.handlers.deliver(sqsEvent(messages))).batchItemFailures).toEqual([]);
    expectExactlyOnce();
    expect(await world.stores.issues.getIssue(ISSUE)).toMatchObject({ status: 'sent', sent: 20, batchesDone: 4 });
  });

  it('the planner signs each recipient\'s unsubscribe link, so the worker needs no key', async () => {
    const world = await setUp();
    await world.handlers.planIssue({ time: SEND });
    const recipients = world.queue.drain().flatMap((m) => m.recipients);
    expect(recipients.map((r) => r.email).sort()).toEqual(READERS);
    for (const r of recipients) {
      expect(r.id).toBe(subscriberId(r.email));
      const check = verifyToken(r.unsubscribeToken, { purpose: 'unsubscribe', list: 'digest.gazette.example.org' }, TOKEN_KEY, Date.parse(SEND));
      expect(check).toEqual({ ok: true, claims: expect.objectContaining({ purpose: 'unsubscribe', subscriber: r.id }) });
      expect(verifyToken(r.unsubscribeToken, { purpose: 'confirm', list: 'digest.gazette.example.org' }, TOKEN_KEY, Date.parse(SEND)).ok).toBe(false);
    }
  });

  it('every SQS batch delivered twice (and concurrently) sends nothing twice', async () => {
    const world = await setUp();
    await world.handlers.planIssue({ time: SEND });
    const messages = world.queue.drain();
    await Promise.all([world.handlers.deliver(sqsEvent(messages)), world.handlers.deliver(sqsEvent(messages))]);
    // Whatever was in flight in the other copy comes back; deliver the redeliveries too.
    expect((await world.handlers.deliver(sqsEvent(messages))).batchItemFailures).toEqual([]);
    expectExactlyOnce();
    const issue = await world.stores.issues.getIssue(ISSUE);
    expect(issue).toMatchObject({ status: 'sent', sent: 20, batchesDone: 4, batchesPlanned: 4 });
  });

  it('a worker that dies half way through its batch, then is retried', async () => {
    let sends = 0;
    let alive = true;
    const world = await setUp({}, (real) => ({
      async send(message) {
        // The worker dies after its third send: this call and every later one never return.
        if (!alive || ++sends > 3) {
          alive = false;
          return new Promise(() => undefined);
        }
        return real.send(message);
      },
    }));
    await world.handlers.planIssue({ time: SEND });
    const [first, ...rest] = world.queue.drain();
    const dying = world.handlers.deliver(sqsEvent([first]));
    await new Promise((r) => setTimeout(r, 500));
    await ses!.settled();
    expect(ses!.messages).toHaveLength(3);
    alive = true;
    sends = -1_000;
    // Redelivered at once: the claims of the dead worker are still in doubt, so the batch comes back…
    const retry = await world.handlers.deliver(sqsEvent([first]));
    expect(retry.batchItemFailures).toHaveLength(1);
    // …and once they are older than the in-doubt window, they are sent.
    world.clock.now = new Date(Date.parse(SEND) + 16 * 60_000);
    expect((await world.handlers.deliver(sqsEvent([first, ...rest]))).batchItemFailures).toEqual([]);
    expectExactlyOnce();
    void dying;
  });

  it('a worker that dies after SES accepted a message but before recording it: the SES Send event records it', async () => {
    let sends = 0;
    const world = await setUp({}, (real) => ({
      async send(message) {
        const out = await real.send(message);
        // Accepted by SES, then the worker dies before it can record the delivery.
        if (++sends === 2) return new Promise(() => undefined);
        return out;
      },
    }));
    await world.handlers.planIssue({ time: SEND });
    const [first, ...rest] = world.queue.drain();
    void world.handlers.deliver(sqsEvent([first]));
    await new Promise((r) => setTimeout(r, 500));
    await ses!.settled();
    const accepted = ses!.messages[1]!;
    // SES publishes a Send event (configuration set → SNS) carrying the tags we set.
    await world.handlers.sesEvents(snsEvent([{ eventType: 'Send', mail: { messageId: accepted.messageId, tags: { issue: [accepted.tags.issue], subscriber: [accepted.tags.subscriber] } } }]));
    world.clock.now = new Date(Date.parse(SEND) + 16 * 60_000);
    sends = 100;
    expect((await world.handlers.deliver(sqsEvent([first, ...rest]))).batchItemFailures).toEqual([]);
    expectExactlyOnce();
  });

  it('SES throttling every third call is retried with backoff; nobody is lost or sent twice', async () => {
    const world = await setUp({ throttleEvery: 3 });
    await world.handlers.planIssue({ time: SEND });
    expect((await world.handlers.deliver(sqsEvent(world.queue.drain()))).batchItemFailures).toEqual([]);
    expectExactlyOnce();
    expect(ses!.throttled).toBeGreaterThanOrEqual(9);
  });

  it('one invalid address in a batch is recorded as failed and never fails the batch', async () => {
    const world = await setUp({ reject: (address) => address === 'reader07@example.com' });
    await world.handlers.planIssue({ time: SEND });
    expect((await world.handlers.deliver(sqsEvent(world.queue.drain()))).batchItemFailures).toEqual([]);
    expectExactlyOnce(READERS.filter((r) => r !== 'reader07@example.com'));
    expect(await world.stores.issues.getIssue(ISSUE)).toMatchObject({ status: 'sent', sent: 19, failed: 1 });
    expect(world.log.lines.some((l) => l.level === 'warn' && l.message === 'recipient rejected; recorded as failed')).toBe(true);
  });

  it('the daily quota pauses the issue and the rest go out after the pause, nobody lost', async () => {
    const world = await setUp({ dailyQuota: 7 });
    await world.handlers.planIssue({ time: SEND });
    const messages = world.queue.drain();
    const first = await world.handlers.deliver(sqsEvent(messages));
    expect(first.batchItemFailures.length).toBeGreaterThanOrEqual(3);
    expect(ses!.messages).toHaveLength(7);
    expect(world.deferred.length).toBe(first.batchItemFailures.length);
    expect(world.deferred.every((d) => d.seconds > 3600)).toBe(true);
    expect((await world.stores.issues.getIssue(ISSUE))?.status).toBe('sending');
    expect((await world.stores.issues.getListState('digest.gazette.example.org')).watermark).toBeUndefined();
    // The quota frees up; after the pause the deferred messages come back.
    ses!.options.dailyQuota = undefined;
    world.clock.now = new Date(Date.parse(SEND) + 7 * 3600_000);
    expect((await world.handlers.deliver(sqsEvent(messages))).batchItemFailures).toEqual([]);
    expectExactlyOnce();
    expect((await world.stores.issues.getListState('digest.gazette.example.org')).watermark?.toISOString()).toBe(new Date(SEND).toISOString());
  });

  it('unsubscribed, suppressed and pending subscribers never receive a digest', async () => {
    const world = await setUp();
    await world.stores.subscribers.unsubscribe(subscriberId('reader01@example.com'), new Date(SEND), 'one-click');
    await world.stores.subscribers.suppress('reader02@example.com', 'complaint', new Date(SEND), 'complaint');
    await world.stores.subscribers.requestSubscription('pending@example.com', new Date(SEND), { coolDownMs: 0, pendingExpiry: new Date(Date.parse(SEND) + 1e9), source: 'form' });
    await world.handlers.planIssue({ time: SEND });
    const messages = world.queue.drain();
    // Reader 3 unsubscribes after planning but before delivery: skipped too.
    await world.stores.subscribers.unsubscribe(subscriberId('reader03@example.com'), new Date(SEND), 'one-click');
    expect((await world.handlers.deliver(sqsEvent(messages))).batchItemFailures).toEqual([]);
    expectExactlyOnce(READERS.filter((r) => !['reader01@example.com', 'reader02@example.com', 'reader03@example.com'].includes(r)));
    expect(await world.stores.issues.getIssue(ISSUE)).toMatchObject({ status: 'sent', sent: 17, skipped: 1 });
  });
});

describe('SES bounce and complaint events', () => {
  it('permanent bounces and complaints suppress at once; transient bounces after the threshold', async () => {
    const world = await setUp();
    const bounce = (email: string, type: string) => ({ eventType: 'Bounce', mail: { messageId: 'm' }, bounce: { bounceType: type, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: email }] } });
    const result = await world.handlers.sesEvents(snsEvent([
      bounce('reader00@example.com', 'Permanent'),
      { eventType: 'Complaint', mail: { messageId: 'm' }, complaint: { complainedRecipients: [{ emailAddress: 'Reader01@EXAMPLE.com' }], complaintFeedbackType: 'abuse' } },
      bounce('reader02@example.com', 'Transient'),
      bounce('reader02@example.com', 'Transient'),
      'not json',
    ]));
    expect(result).toEqual({ applied: 4, ignored: 1 });
    const state = async (email: string) => (await world.stores.subscribers.get(subscriberId(email)))?.state;
    expect(await state('reader00@example.com')).toBe('suppressed');
    expect(await state('reader01@example.com')).toBe('suppressed');
    expect(await state('reader02@example.com')).toBe('confirmed');
    await world.handlers.sesEvents(snsEvent([bounce('reader02@example.com', 'Transient')]));
    expect(await state('reader02@example.com')).toBe('suppressed');
    await world.handlers.planIssue({ time: SEND });
    expect((await world.handlers.deliver(sqsEvent(world.queue.drain()))).batchItemFailures).toEqual([]);
    expectExactlyOnce(READERS.slice(3));
  });
});
