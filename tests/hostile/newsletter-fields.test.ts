// Hostile inputs for the fields newsletters bring: names, choices, preferences tokens and forms. Each is
// refused with a message naming the field, or changes nothing; none reaches a header unencoded.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { createToken } from '../../functions/core/tokens.ts';
import { tempTree } from '../helpers/cli.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { httpEvent, sqsEvent } from '../helpers/events.ts';
import { articleText, settingsObject, settingsYaml } from '../helpers/factories.ts';
import { startSesStandIn, type SesStandIn } from '../helpers/ses-standin.ts';
import { TOKEN_KEY, wireWorld, type World } from '../helpers/world.ts';

let dynamo: LocalDynamo;
let ses: SesStandIn;
let world: World;
const { listId: _single, ...shared } = settingsObject().digest as Record<string, unknown>;
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json', accept: 'application/json' };

beforeAll(async () => {
  dynamo = await startDynalite();
  ses = await startSesStandIn();
  const content = tempTree({
    'publication.yaml': settingsYaml({
      digest: shared,
      newsletters: [
        { id: 'digest', name: 'Weekly', schedule: { cron: '0 7 * * 1', timezone: 'UTC' }, listId: 'digest.gazette.example.org' },
        { id: 'economy', name: 'Economy', schedule: { cron: '0 8 * * 4', timezone: 'UTC' }, listId: 'economy.gazette.example.org', default: false },
      ],
    }),
    'articles/a.md': articleText({ title: 'Hello', date: '2026-01-03T10:00:00Z' }),
  });
  world = await wireWorld({ dynamo, ses: ses.client(), contentDir: content });
  world.clock.now = new Date('2026-01-04T00:00:00Z');
});
afterAll(async () => {
  await dynamo.close();
  await ses.close();
});

const subscribe = (body: string, headers: Record<string, string> = form) => world.handlers.subscribe(httpEvent('POST', '/subscribe', { body, headers }));

async function confirmedWithName(email: string, name: string): Promise<void> {
  const before = ses.messages.length;
  expect((await subscribe(JSON.stringify({ email, name, newsletters: ['digest', 'economy'] }), json)).statusCode).toBe(202);
  const mail = await simpleParser(ses.messages.slice(before).find((m) => m.destinations[0] === email)!.raw);
  const link = /https:\/\/\S+\/confirm\?token=[A-Za-z0-9._%-]+/.exec(mail.text!)![0];
  expect((await world.handlers.confirm(httpEvent('POST', `/confirm?${link.split('?')[1]}`, { body: '', headers: form }))).statusCode).toBe(200);
}

describe('hostile subscribe fields', () => {
  it('refuses a 10 MB name before reading it (413), and a name over 100 characters with a 400 naming the field', async () => {
    expect((await subscribe(`email=a@example.com&name=${'x'.repeat(10 * 1024 * 1024)}`)).statusCode).toBe(413);
    const long = await subscribe(JSON.stringify({ email: 'a@example.com', name: 'x'.repeat(101) }), json);
    expect(long.statusCode).toBe(400);
    expect(JSON.parse(long.body!)).toEqual({ error: 'a name may be at most 100 characters', field: 'name' });
    expect(await world.stores.subscribers.get(subscriberId('a@example.com'))).toBeUndefined();
  });

  it.each([
    ['CR/LF', 'Eve\r\nBcc: victim@example.com'],
    ['a tab', 'Eve\tX'],
    ['a text-direction override', 'Eve\u202Egnp.exe'],
    ['a NUL', 'Eve\u0000'],
  ])('refuses a name with %s (400, field name), and stores nothing', async (_, name) => {
    const res = await subscribe(JSON.stringify({ email: 'b@example.com', name }), json);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).field).toBe('name');
    expect(await world.stores.subscribers.get(subscriberId('b@example.com'))).toBeUndefined();
  });

  it('refuses unknown newsletter ids naming them, an empty choice, and 10,000 repeated fields; non-string ids too', async () => {
    const unknown = await subscribe('email=c@example.com&newsletters=digest&newsletters=<script>');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('Please check the newsletters chosen: no such newsletter: &quot;&lt;script&gt;&quot;');
    expect(unknown.body).not.toContain('<script>');
    expect(JSON.parse((await subscribe(JSON.stringify({ email: 'c@example.com', newsletters: [] }), json)).body!)).toEqual({ error: 'choose at least one newsletter', field: 'newsletters' });
    expect(JSON.parse((await subscribe(JSON.stringify({ email: 'c@example.com', newsletters: [{ id: 'digest' }] }), json)).body!).field).toBe('newsletters');
    const many = Array.from({ length: 10_000 }, () => 'newsletters=digest').join('&');
    expect((await subscribe(`email=c@example.com&${many}`)).statusCode).toBe(413);
    const manyJson = await subscribe(JSON.stringify({ email: 'c@example.com', newsletters: Array.from({ length: 1000 }, () => 'd') }), json);
    expect(JSON.parse(manyJson.body!)).toEqual({ error: 'at most 100 newsletters may be named', field: 'newsletters' });
    expect(await world.stores.subscribers.get(subscriberId('c@example.com'))).toBeUndefined();
  });

  it('keeps a name with <script> as text: escaped in every page and mail body, RFC 2047-encoded in To', async () => {
    await confirmedWithName('d@example.com', 'Zoë <script>alert(1)</script>');
    world.clock.now = new Date('2026-01-05T07:00:00Z');
    await world.handlers.planIssue({ time: '2026-01-05T07:00:00Z', newsletter: 'digest' });
    const before = ses.messages.length;
    await world.handlers.deliver(sqsEvent(world.queue.drain()));
    const raw = ses.messages.slice(before).find((m) => m.destinations[0] === 'd@example.com')!.raw;
    const mail = await simpleParser(raw);
    expect(mail.html).toContain('Hi Zoë &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(mail.html).not.toContain('<script>');
    expect(mail.to).toMatchObject({ value: [{ name: 'Zoë <script>alert(1)</script>', address: 'd@example.com' }] });
    const headers = raw.toString('utf8').split('\r\n\r\n')[0]!;
    expect(headers).not.toContain('<script>');
    expect(headers).toMatch(/^To: =\?UTF-8\?B\?/m);
    // The preferences page shows the name escaped too.
    const link = /Preferences: (\S+)/.exec(mail.text!)![1]!;
    const page = await world.handlers.preferences(httpEvent('GET', `/preferences?${link.split('?')[1]}`));
    expect(page.body).toContain('value="Zoë &lt;script&gt;alert(1)&lt;&#x2F;script&gt;"');
  });
});

describe('hostile preferences requests', () => {
  it('refuses a forged or altered token with a 400 and changes nothing; a GET never changes anything', async () => {
    await confirmedWithName('e@example.com', 'Eve');
    const id = subscriberId('e@example.com');
    const before = await world.stores.subscribers.get(id);
    const forged = createToken({ purpose: 'preferences', subscriber: id, list: 'digest.gazette.example.org' }, 'another-key-that-is-long-enough-0123456789');
    const unsubscribeToken = createToken({ purpose: 'unsubscribe', subscriber: id, list: 'digest.gazette.example.org' }, TOKEN_KEY);
    const otherList = createToken({ purpose: 'preferences', subscriber: id, list: 'elsewhere.example.org' }, TOKEN_KEY);
    for (const token of [forged, unsubscribeToken, otherList, `${forged}x`, 'x'.repeat(2000), '']) {
      const post = await world.handlers.preferences(httpEvent('POST', `/preferences?token=${encodeURIComponent(token)}`, { body: `version=${before!.version}&scope=everything`, headers: form }));
      expect(post.statusCode, token.slice(0, 30)).toBe(400);
      expect((await world.handlers.preferences(httpEvent('GET', `/preferences?token=${encodeURIComponent(token)}`))).statusCode).toBe(400);
    }
    const good = createToken({ purpose: 'preferences', subscriber: id, list: 'digest.gazette.example.org', newsletters: ['economy'] }, TOKEN_KEY);
    for (const method of ['GET', 'HEAD', 'OPTIONS']) await world.handlers.preferences(httpEvent(method, `/preferences?token=${good}`));
    expect(await world.stores.subscribers.get(id)).toEqual(before);
  });

  it('answers a replayed or stale Save with 409 and the choices as they stand, and a bad field with 400, changing nothing', async () => {
    const id = subscriberId('e@example.com');
    const token = createToken({ purpose: 'preferences', subscriber: id, list: 'digest.gazette.example.org' }, TOKEN_KEY);
    const { version } = (await world.stores.subscribers.get(id))!;
    const post = (body: string) => world.handlers.preferences(httpEvent('POST', `/preferences?token=${token}`, { body, headers: form }));
    expect((await post(`version=${version}&newsletters=economy&name=Eve`)).statusCode).toBe(200);
    const after = await world.stores.subscribers.get(id);
    for (const body of [`version=${version}&newsletters=digest`, `version=${version}&scope=everything`, 'newsletters=digest', `version=-1&newsletters=digest`, `version=1e400&newsletters=digest`]) {
      expect((await post(body)).statusCode, body).toBe(409);
    }
    expect((await post(`version=${after!.version}&newsletters=nope`)).statusCode).toBe(400);
    expect((await post(`version=${after!.version}&newsletters=digest&name=${encodeURIComponent('a\r\nb')}`)).statusCode).toBe(400);
    expect(await world.stores.subscribers.get(id)).toEqual(after);
  });
});
