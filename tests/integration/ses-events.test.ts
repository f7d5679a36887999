import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo/deliveries.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { snsEvent, sqsEvent } from '../helpers/events.ts';
import { ISSUE, SEND, sendingWorlds } from '../helpers/send-world.ts';
import type { ReceivedMessage, SesStandIn, StandInOptions } from '../helpers/ses-standin.ts';
import type { World } from '../helpers/world.ts';

const LATER = (minutes: number) => new Date(Date.parse(SEND) + minutes * 60_000);
const readers = (n: number) => Array.from({ length: n }, (_, i) => `reader${String(i).padStart(2, '0')}@example.com`);

const worlds = sendingWorlds();
let ses: SesStandIn | undefined;

async function setUp(emails: string[], options: StandInOptions = {}, mailer?: (real: Mailer) => Mailer): Promise<World> {
  const world = await worlds.setUp(emails, options, mailer);
  ses = worlds.ses();
  return world;
}

/** The SES event `type` for a message the stand-in accepted, shaped as the configuration set publishes it. */
function event(message: ReceivedMessage, type: string, body: Record<string, unknown> = {}): Record<string, unknown> {
  const mail = { messageId: message.messageId, timestamp: SEND, destination: message.destinations, tags: Object.fromEntries(Object.entries(message.tags).map(([k, v]) => [k, [v]])) };
  return { eventType: type, mail, ...body };
}

const to = (email: string) => ses!.messages.find((m) => m.destinations.includes(email))!;

/** What the delivery records say, over these recipients of the issue. */
async function recorded(world: World, emails: string[]) {
  const history = new DynamoDeliveryStore(worlds.dynamo().docs, world.table);
  const records = await Promise.all(emails.map((email) => history.forSubscriber(subscriberId(email), [ISSUE])));
  const all = records.flat();
  const count = (f: (r: (typeof all)[number]) => unknown) => all.filter(f).length;
  return {
    sent: count((r) => r.status === 'sent'),
    skipped: count((r) => r.status === 'skipped'),
    failed: count((r) => r.status === 'failed'),
    delivered: count((r) => r.deliveredAt),
  };
}

describe("an issue's figures from SES's events (dynalite + loopback SES publishing its events, real SDK clients)", () => {
  it('each kind of event sets its time on the delivery record and adds to the issue once, with one metric', async () => {
    const emails = readers(6);
    const world = await setUp(emails);
    await world.handlers.planIssue({ time: SEND });
    expect((await world.handlers.deliver(sqsEvent(world.queue.drain()))).batchItemFailures).toEqual([]);
    await ses!.settled();
    expect(await world.stores.issues.getIssue(ISSUE)).toMatchObject({ status: 'sent', sent: 6, delivered: 6, bounced: 0, opened: 0 });
    // One publication per batch from the delivery worker; one per Delivery event.
    expect(world.metrics.deliver.published).toEqual([{ Sent: 5, Skipped: 0, Failed: 0, Throttled: 0 }, { Sent: 1, Skipped: 0, Failed: 0, Throttled: 0 }]);
    expect(world.metrics.events.published).toHaveLength(6);

    const at = '2026-01-05T08:00:00.000Z';
    const [bounced, soft, complained, rejected, reader] = emails.map(to);
    const result = await world.handlers.sesEvents(snsEvent([
      event(bounced!, 'Bounce', { bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: emails[0] }], timestamp: at } }),
      event(soft!, 'Bounce', { bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull', bouncedRecipients: [{ emailAddress: emails[1] }], timestamp: at } }),
      event(complained!, 'Complaint', { complaint: { complainedRecipients: [{ emailAddress: emails[2] }], complaintFeedbackType: 'abuse', timestamp: at } }),
      event(rejected!, 'Reject', { reject: { reason: 'Bad content' } }),
      event(reader!, 'Open', { open: { timestamp: at, userAgent: 'Mail', ipAddress: '192.0.2.1' } }),
      event(reader!, 'Open', { open: { timestamp: '2026-01-05T09:00:00.000Z', userAgent: 'Mail', ipAddress: '192.0.2.1' } }),
      event(reader!, 'Click', { click: { timestamp: at, link: 'https://gazette.example.org/news/', ipAddress: '192.0.2.1' } }),
      event(reader!, 'DeliveryDelay', { deliveryDelay: { timestamp: at, delayType: 'MailboxFull' } }),
    ]));
    expect(result).toEqual({ applied: 8, ignored: 0 });
    // A permanent bounce and a complaint count and suppress; a transient bounce only counts against the address;
    // opens and clicks count each reader once.
    expect(await world.stores.issues.getIssue(ISSUE)).toMatchObject({ sent: 6, delivered: 6, bounced: 1, complained: 1, rejected: 1, opened: 1, clicked: 1 });
    expect((await world.stores.subscribers.get(subscriberId(emails[0]!)))?.state).toBe('suppressed');
    expect((await world.stores.subscribers.get(subscriberId(emails[1]!)))).toMatchObject({ state: 'confirmed', softBounces: 1 });
    expect((await world.stores.subscribers.get(subscriberId(emails[2]!)))?.state).toBe('suppressed');
    const deliveries = new DynamoDeliveryStore(worlds.dynamo().docs, world.table);
    const history = async (email: string) => (await deliveries.forSubscriber(subscriberId(email), [ISSUE]))[0];
    expect(await history(emails[0]!)).toMatchObject({ status: 'sent', bouncedAt: new Date(at), deliveredAt: expect.any(Date) });
    expect((await history(emails[1]!))?.bouncedAt).toBeUndefined();
    expect((await history(emails[2]!))?.complainedAt).toEqual(new Date(at));
    expect((await history(emails[3]!))?.rejectedAt).toBeInstanceOf(Date);
    expect(await history(emails[4]!)).toMatchObject({ openedAt: new Date(at), clickedAt: new Date(at), sentAt: expect.any(Date) });
    const metric = (name: Parameters<typeof world.metrics.events.total>[0]) => world.metrics.events.total(name);
    expect([metric('Delivered'), metric('Bounced'), metric('Complained'), metric('Rejected'), metric('Opened'), metric('Clicked')]).toEqual([6, 1, 1, 1, 1, 1]);
  });

  it('a duplicated or retried event counts once', async () => {
    const emails = readers(3);
    const world = await setUp(emails);
    await world.handlers.planIssue({ time: SEND });
    await world.handlers.deliver(sqsEvent(world.queue.drain()));
    await ses!.settled();
    const delivery = event(to(emails[0]!), 'Delivery', { delivery: { timestamp: SEND, recipients: [emails[0]] } });
    const open = event(to(emails[0]!), 'Open', { open: { timestamp: SEND } });
    // SNS delivers a notification twice, in one invocation and in another; Lambda retries a whole invocation.
    await world.handlers.sesEvents(snsEvent([delivery, delivery, open]));
    await world.handlers.sesEvents(snsEvent([open, delivery]));
    await Promise.all([world.handlers.sesEvents(snsEvent([open])), world.handlers.sesEvents(snsEvent([open]))]);
    expect(await world.stores.issues.getIssue(ISSUE)).toMatchObject({ sent: 3, delivered: 3, opened: 1 });
    expect(world.metrics.events.total('Delivered')).toBe(3);
    expect(world.metrics.events.total('Opened')).toBe(1);
  });

  it('the counts add up to the deliveries recorded after a worker dies in the middle of a chunk and the chunk is resumed', async () => {
    const emails = readers(12);
    let sends = 0;
    let alive = true;
    const world = await setUp(emails, { reject: (address) => address === emails[6] }, (real) => ({
      async send(message) {
        // The worker dies after its fourth send: this call and every later one never return.
        if (!alive || ++sends > 4) {
          alive = false;
          return new Promise(() => undefined);
        }
        return real.send(message);
      },
    }));
    await world.stores.subscribers.unsubscribe(subscriberId(emails[9]!), new Date(SEND), 'one-click');
    await world.handlers.planIssue({ time: SEND });
    const batches = world.queue.drain();
    // Reader 1 unsubscribes after planning: skipped when the batch is sent.
    await world.stores.subscribers.unsubscribe(subscriberId(emails[1]!), new Date(SEND), 'one-click');
    void world.handlers.deliver(sqsEvent([batches[0]]));
    await new Promise((r) => setTimeout(r, 500));
    await ses!.settled();
    alive = true;
    sends = -1_000;
    world.clock.now = LATER(16);
    expect((await world.handlers.deliver(sqsEvent(batches))).batchItemFailures).toEqual([]);
    await ses!.settled();
    const issue = await world.stores.issues.getIssue(ISSUE);
    const records = await recorded(world, emails);
    expect(records).toEqual({ sent: 9, skipped: 1, failed: 1, delivered: 9 });
    expect(issue).toMatchObject({ status: 'sent', ...records });
    expect(new Set(ses!.messages.flatMap((m) => m.destinations)).size).toBe(ses!.messages.length);
  });

  it('an issue an earlier version half sent (a claim and a record per recipient) is finished without a second copy', async () => {
    const emails = readers(11);
    const world = await setUp(emails);
    await world.handlers.planIssue({ time: SEND });
    const batches = world.queue.drain();
    expect(batches.map((b) => b.recipients.length)).toEqual([5, 5, 1]);
    // As the earlier version left it: no tally; batch 1 sent, marked done and counted on the issue; two of
    // batch 2 recorded as sent and a third claimed a minute ago.
    const { docs } = worlds.dynamo();
    const TableName = world.table;
    const pk = `ISSUE#${ISSUE}`;
    await docs.send(new DeleteCommand({ TableName, Key: { pk, sk: 'ISSUE#TALLY' } }));
    const record = (id: string, item: Record<string, unknown>) => docs.send(new PutCommand({ TableName, Item: { pk, sk: `DLV#${id}`, ...item } }));
    for (const r of batches[0]!.recipients) await record(r.id, { status: 'sent', messageId: 'old', sentAt: SEND });
    await docs.send(new UpdateCommand({ TableName, Key: { pk, sk: 'BATCH#000001' }, UpdateExpression: 'SET #s = :done', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':done': 'done' } }));
    await docs.send(new UpdateCommand({ TableName, Key: { pk, sk: 'ISSUE' }, UpdateExpression: 'SET sent = :five, batchesDone = :one', ExpressionAttributeValues: { ':five': 5, ':one': 1 } }));
    const [a, b, c] = batches[1]!.recipients;
    await record(a!.id, { status: 'sent', messageId: 'old', sentAt: SEND });
    await record(b!.id, { status: 'sent', messageId: 'old', sentAt: SEND });
    await record(c!.id, { status: 'sending', claimedAt: LATER(-1).toISOString(), attempts: 1 });
    expect(await world.stores.issues.pendingBatches(ISSUE)).toHaveLength(2);

    // Every batch comes back (a redelivery too): only the recipients without a record are sent; the claim
    // waits for its in-doubt window.
    const received = () => ses!.messages.flatMap((m) => m.destinations).sort();
    const unsent = [...batches[1]!.recipients.slice(3), ...batches[2]!.recipients].map((r) => r.email);
    const first = await world.handlers.deliver(sqsEvent(batches));
    expect(first.batchItemFailures).toHaveLength(1);
    expect(received()).toEqual(unsent.sort());
    world.clock.now = LATER(16);
    expect((await world.handlers.deliver(sqsEvent(batches))).batchItemFailures).toEqual([]);
    expect(received()).toEqual([...unsent, c!.email].sort());
    expect(await world.stores.issues.getIssue(ISSUE)).toMatchObject({ status: 'sent', batchesDone: 3 });
    expect((await world.stores.issues.getListState('digest.gazette.example.org')).watermark).toEqual(new Date(SEND));
  });
});
