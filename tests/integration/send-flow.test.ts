import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { tempTree } from '../helpers/cli.ts';
import { httpEvent, sqsEvent } from '../helpers/events.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { wireWorld } from '../helpers/world.ts';
import { startSesLocal, type SesLocal } from '../helpers/ses-local.ts';

let dynamo: LocalDynamo;
let sesLocal: SesLocal;

beforeAll(async () => {
  dynamo = await startDynalite();
  sesLocal = await startSesLocal();
});
afterAll(async () => {
  await dynamo.close();
  await sesLocal.close();
});

const sesStore = () => sesLocal.emails();


const FIRST_SEND = '2026-01-05T07:00:00Z';
const SECOND_SEND = '2026-01-12T07:00:00Z';

describe('subscribe → confirm → scheduled send → unsubscribe (dynalite + aws-ses-v2-local, real SDK clients)', () => {
  it('sends exactly one digest per confirmed subscriber, and the next issue skips whoever unsubscribed', async () => {
    await sesLocal.clear();
    const contentDir = tempTree({
      'publication.yaml': settingsYaml(),
      'articles/first.md': articleText({ title: 'First & foremost', date: '2026-01-03T10:00:00Z' }, 'The first article.\n'),
    });
    const ses = sesLocal.client();
    // aws-ses-v2-local keeps no raw headers: the MIME we hand to SES is kept here to inspect.
    const sentRaw = new Map<string, Buffer[]>();
    const world = await wireWorld({
      dynamo,
      ses,
      contentDir,
      mailer: (real) => ({
        async send(message) {
          const out = await real.send(message);
          sentRaw.set(message.to, [...(sentRaw.get(message.to) ?? []), Buffer.from(message.raw)]);
          return out;
        },
      }),
    });
    world.clock.now = new Date('2026-01-04T12:00:00Z');

    // Three people subscribe through the form; a fourth types a bad address.
    for (const email of ['Ann@Example.COM', 'bob@example.com', 'cat@example.com']) {
      const res = await world.handlers.subscribe(httpEvent('POST', '/subscribe', { body: `email=${encodeURIComponent(email)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      expect(res.statusCode).toBe(202);
      expect(res.body).toContain('Check your inbox');
    }
    const bad = await world.handlers.subscribe(httpEvent('POST', '/subscribe', { body: 'email=not-an-address', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('value="not-an-address"');

    const confirmations = await sesStore();
    expect(confirmations.map((m) => m.destination.to[0]).sort()).toEqual(['Ann@example.com', 'bob@example.com', 'cat@example.com']);
    // Ann and Bob confirm; Cat never does.
    for (const mail of confirmations.filter((m) => !m.destination.to[0]!.startsWith('cat'))) {
      const link = /https:\/\/\S+\/confirm\?token=[A-Za-z0-9._%-]+/.exec(mail.body.text ?? '')![0];
      // The link opens a page with one button; the button's POST confirms.
      const page = await world.handlers.confirm(httpEvent('GET', `/confirm?${link.split('?')[1]}`));
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Confirm my subscription');
      const res = await world.handlers.confirm(httpEvent('POST', `/confirm?${link.split('?')[1]}`, { body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('You are subscribed');
    }

    // Each confirmation brings one welcome mail, and pressing the button again none.
    const welcomes = (await sesStore()).slice(confirmations.length);
    expect(welcomes.map((m) => [m.destination.to[0], m.subject]).sort()).toEqual([['Ann@example.com', 'Welcome to The Test Gazette'], ['bob@example.com', 'Welcome to The Test Gazette']]);
    const before = (await sesStore()).length;

    // The scheduler fires.
    world.clock.now = new Date(FIRST_SEND);
    const planned = await world.handlers.planIssue({ time: FIRST_SEND });
    expect(planned).toMatchObject({ outcome: 'planned', issueId: '2026-01-05T0700Z', recipients: 2 });
    const response = await world.handlers.deliver(sqsEvent(world.queue.drain()));
    expect(response.batchItemFailures).toEqual([]);

    const digests = (await sesStore()).slice(before);
    expect(digests.map((m) => m.destination.to[0]).sort()).toEqual(['Ann@example.com', 'bob@example.com']);
    expect(digests.every((m) => m.subject === 'First & foremost')).toBe(true);
    const issue = await world.stores.issues.getIssue('2026-01-05T0700Z');
    expect(issue).toMatchObject({ status: 'sent', sent: 2, failed: 0 });
    expect((await world.stores.issues.getListState('digest.gazette.example.org')).watermark?.toISOString()).toBe(new Date(FIRST_SEND).toISOString());

    // Bob uses the one-click unsubscribe from his digest's List-Unsubscribe header (RFC 8058).
    const bobDigest = await simpleParser(sentRaw.get('bob@example.com')!.at(-1)!);
    expect(bobDigest.subject).toBe('First & foremost');
    const line = (name: string) => bobDigest.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n\s+/g, ' ');
    const listUnsubscribe = line('list-unsubscribe') ?? '';
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(listUnsubscribe).toMatch(/^List-Unsubscribe: <https:\/\/gazette\.example\.org\/api\/unsubscribe\?token=[^>]+>, <mailto:unsubscribe@gazette\.example\.org\?subject=unsubscribe>$/);
    const oneClick = /<(https:[^>]+)>/.exec(listUnsubscribe)![1]!;
    const res = await world.handlers.unsubscribe(httpEvent('POST', `/unsubscribe?${oneClick.split('?')[1]}`, { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(res.statusCode).toBe(200);
    expect((await world.stores.subscribers.get(subscriberId('bob@example.com')))?.state).toBe('unsubscribed');

    // A new article and the next scheduled send: only Ann gets it.
    writeFileSync(join(contentDir, 'articles/second.md'), articleText({ title: 'Second story', date: '2026-01-10T10:00:00Z' }));
    world.clock.now = new Date(SECOND_SEND);
    expect(await world.handlers.planIssue({ time: SECOND_SEND })).toMatchObject({ outcome: 'planned', recipients: 1 });
    expect((await world.handlers.deliver(sqsEvent(world.queue.drain()))).batchItemFailures).toEqual([]);
    const second = (await sesStore()).slice(before + digests.length);
    expect(second.map((m) => [m.destination.to[0], m.subject])).toEqual([['Ann@example.com', 'Second story']]);
  });
});
