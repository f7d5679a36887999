import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { decodeHTML } from 'entities';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { createToken } from '../../functions/core/tokens.ts';
import { FUNCTIONS } from '../../infra/functions.ts';
import { settingsYaml } from '../helpers/factories.ts';
import { tempTree } from '../helpers/cli.ts';
import { httpEvent } from '../helpers/events.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { startSesStandIn, type SesStandIn } from '../helpers/ses-standin.ts';
import { TOKEN_KEY, wireWorld, type World } from '../helpers/world.ts';

const LIST = 'digest.gazette.example.org';
const form = (body: string) => ({ body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const json = (body: string) => ({ body, headers: { 'content-type': 'application/json', accept: 'application/json' } });

let dynamo: LocalDynamo;
let ses: SesStandIn;
let world: World;
const subscribe = (event: APIGatewayProxyEventV2) => world.handlers.subscribe(event);
const confirm = (event: APIGatewayProxyEventV2) => world.handlers.confirm(event);
const unsubscribe = (event: APIGatewayProxyEventV2) => world.handlers.unsubscribe(event);
/** The confirmation page's button: a POST of an empty form back to the link. */
const pressConfirm = (link: string) => confirm(httpEvent('POST', `/confirm${query(link)}`, form('')));
beforeAll(async () => {
  dynamo = await startDynalite();
  ses = await startSesStandIn();
});
afterAll(async () => {
  await ses.close();
  await dynamo.close();
});
beforeEach(async () => {
  ses.messages.length = 0;
  world = await wireWorld({ dynamo, ses: ses.client(), contentDir: tempTree({ 'publication.yaml': settingsYaml() }) });
  world.clock.now = new Date('2026-01-04T12:00:00Z');
});

async function confirmLinkFor(email: string): Promise<string> {
  const message = ses.messages.filter((m) => m.destinations.includes(email)).at(-1)!;
  const parsed = await simpleParser(message.raw);
  return /https:\/\/\S+\/confirm\?token=[A-Za-z0-9._%-]+/.exec(parsed.text ?? '')![0];
}
const query = (url: string) => `?${url.split('?')[1]}`;
const later = (ms: number) => {
  world.clock.now = new Date(world.clock.now.getTime() + ms);
};

describe('POST /subscribe', () => {
  it('accepts a form or JSON, normalises the address, and answers the same whether or not it is known', async () => {
    const a = await subscribe(httpEvent('POST', '/subscribe', form('email=%20Ann%40EXAMPLE.com%20')));
    const b = await subscribe(httpEvent('POST', '/subscribe', form('email=Ann%40example.com')));
    await world.stores.subscribers.addConfirmed('old@example.com', new Date(), 'cli');
    const c = await subscribe(httpEvent('POST', '/subscribe', form('email=old%40example.com')));
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([202, 202, 202]);
    expect(b.body).toBe(a.body);
    expect(c.body).toBe(a.body);
    const j = await subscribe(httpEvent('POST', '/subscribe', json('{"email":"jay@example.com"}')));
    expect(j.statusCode).toBe(202);
    expect(JSON.parse(j.body!)).toEqual({ status: 'check-your-inbox' });
    // One confirmation each for Ann (the repeat inside the cool-down sends nothing) and Jay; the confirmed
    // address gets a note that nothing changed, so every state costs the same one mail.
    const subjects = await Promise.all(ses.messages.map(async (m) => [m.destinations[0], (await simpleParser(m.raw)).subject]));
    expect(subjects.sort()).toEqual([
      ['Ann@example.com', 'Confirm your subscription to The Test Gazette'],
      ['jay@example.com', 'Confirm your subscription to The Test Gazette'],
      ['old@example.com', 'You are already subscribed to The Test Gazette'],
    ]);
    expect((await world.stores.subscribers.get(subscriberId('Ann@example.com')))?.state).toBe('pending');
  });

  it('the confirmation mail is multipart with the link in both parts; the link opens a button, the button confirms', async () => {
    await subscribe(httpEvent('POST', '/subscribe', form('email=kim%40example.com')));
    const parsed = await simpleParser(ses.messages[0]!.raw);
    expect(parsed.subject).toBe('Confirm your subscription to The Test Gazette');
    const link = await confirmLinkFor('kim@example.com');
    expect(parsed.html).toContain(link.replace(/&/g, '&amp;'));
    expect(parsed.text!.replace(/\s+/g, ' ')).toContain('one click on the button');
    const page = await confirm(httpEvent('GET', `/confirm${query(link)}`));
    expect(page.statusCode).toBe(200);
    expect(decodeHTML(page.body!)).toContain(`<form method="post" action="${link}">`);
    expect((await world.stores.subscribers.get(subscriberId('kim@example.com')))?.state).toBe('pending');
    const res = await pressConfirm(link);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('You are subscribed');
    expect((await world.stores.subscribers.get(subscriberId('kim@example.com')))?.state).toBe('confirmed');
    // Pressing it again changes nothing and still answers kindly.
    const again = await pressConfirm(link);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('already confirmed');
  });

  it.each([
    ['an invalid address (form)', form('email=not%20an%20address'), 400, 'Please check the address'],
    ['no address', form('name=x'), 400, 'an email address is required'],
    ['a body that is not JSON', { body: '{"email":', headers: { 'content-type': 'application/json' } }, 400, 'request body is not valid JSON'],
    ['a JSON array', { body: '["a@b.co"]', headers: { 'content-type': 'application/json' } }, 400, 'must be a JSON object'],
    ['a huge body', form(`email=${'a'.repeat(20_000)}%40example.com`), 413, 'request body is over 16 KB'],
    ['a body that is not UTF-8', { body: Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x3d, 0xff, 0xfe]), headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 400, 'not valid UTF-8'],
    ['an unsupported content type', { body: '<xml/>', headers: { 'content-type': 'application/xml' } }, 415, 'unsupported content type application/xml'],
  ])('refuses %s with a clear answer and sends nothing', async (_name, options, status, message) => {
    const res = await subscribe(httpEvent('POST', '/subscribe', options as never));
    expect(res.statusCode).toBe(status);
    expect(decodeHTML(res.body!)).toContain(message);
    expect(ses.messages).toHaveLength(0);
  });

  it('keeps what was typed when the address is invalid, and sets security headers', async () => {
    const res = await subscribe(httpEvent('POST', '/subscribe', form('email=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E')));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"');
    expect(res.body).not.toContain('<script>');
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    expect(res.headers!['content-security-policy']).toContain("default-src 'none'");
  });

  it('re-subscribing after unsubscribing works, with a fresh link; the old link is void', async () => {
    await subscribe(httpEvent('POST', '/subscribe', form('email=lee%40example.com')));
    const oldLink = await confirmLinkFor('lee@example.com');
    await pressConfirm(oldLink);
    const token = createToken({ purpose: 'unsubscribe', subscriber: subscriberId('lee@example.com'), list: LIST }, TOKEN_KEY);
    expect((await unsubscribe(httpEvent('POST', `/unsubscribe?token=${token}`, form('List-Unsubscribe=One-Click')))).statusCode).toBe(200);
    // The old confirmation link must not put them back on the list.
    expect((await pressConfirm(oldLink)).statusCode).toBe(400);
    expect((await world.stores.subscribers.get(subscriberId('lee@example.com')))?.state).toBe('unsubscribed');
    // Past the cool-down that the first mail started.
    later(11 * 60_000);
    await subscribe(httpEvent('POST', '/subscribe', form('email=lee%40example.com')));
    const newLink = await confirmLinkFor('lee@example.com');
    expect(newLink).not.toBe(oldLink);
    expect((await pressConfirm(newLink)).statusCode).toBe(200);
    expect((await world.stores.subscribers.get(subscriberId('lee@example.com')))?.state).toBe('confirmed');
  });
});

describe('tokens at the edge', () => {
  it('forged, tampered, expired and wrong-purpose confirmation tokens get a 400 page', async () => {
    await subscribe(httpEvent('POST', '/subscribe', form('email=max%40example.com')));
    const link = await confirmLinkFor('max@example.com');
    const token = new URLSearchParams(query(link)).get('token')!;
    const [body, mac] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const tampered = `${Buffer.from(JSON.stringify({ ...claims, s: subscriberId('other@example.com') })).toString('base64url')}.${mac}`;
    const forged = createToken({ purpose: 'confirm', subscriber: claims.s, list: LIST, version: claims.v }, 'a-different-key-that-is-long-enough-0123456789');
    const wrongPurpose = createToken({ purpose: 'unsubscribe', subscriber: claims.s, list: LIST }, TOKEN_KEY);
    for (const bad of [tampered, forged, wrongPurpose, 'garbage', '']) {
      for (const res of [await confirm(httpEvent('GET', `/confirm?token=${encodeURIComponent(bad)}`)), await pressConfirm(`?token=${encodeURIComponent(bad)}`)]) {
        expect(res.statusCode).toBe(400);
        expect(res.body).toContain('This link does not work');
        expect(res.body).not.toContain('<form');
      }
    }
    expect((await confirm(httpEvent('GET', '/confirm'))).statusCode).toBe(400);
    expect((await confirm(httpEvent('POST', '/confirm', form('')))).statusCode).toBe(400);
    later(3 * 24 * 3600_000);
    for (const expired of [await confirm(httpEvent('GET', `/confirm${query(link)}`)), await pressConfirm(link)]) {
      expect(expired.statusCode).toBe(400);
      expect(expired.body).toContain('expired');
    }
    expect((await world.stores.subscribers.get(subscriberId('max@example.com')))?.state).toBe('pending');
  });

  it('GET /unsubscribe shows a button and changes nothing; POST unsubscribes; forged tokens do nothing', async () => {
    await world.stores.subscribers.addConfirmed('ola@example.com', new Date(), 'cli');
    const token = createToken({ purpose: 'unsubscribe', subscriber: subscriberId('ola@example.com'), list: LIST }, TOKEN_KEY);
    const page = await unsubscribe(httpEvent('GET', `/unsubscribe?token=${token}`));
    expect(page.statusCode).toBe(200);
    expect(decodeHTML(page.body!)).toContain(`<form method="post" action="https://gazette.example.org/api/unsubscribe?token=${token}">`);
    expect((await world.stores.subscribers.get(subscriberId('ola@example.com')))?.state).toBe('confirmed');
    const forged = createToken({ purpose: 'unsubscribe', subscriber: subscriberId('ola@example.com'), list: LIST }, 'a-different-key-that-is-long-enough-0123456789');
    expect((await unsubscribe(httpEvent('POST', `/unsubscribe?token=${forged}`, form('List-Unsubscribe=One-Click')))).statusCode).toBe(400);
    expect((await unsubscribe(httpEvent('GET', `/unsubscribe?token=${forged}`))).statusCode).toBe(400);
    expect((await world.stores.subscribers.get(subscriberId('ola@example.com')))?.state).toBe('confirmed');
    // The button posts an empty form; the one-click client posts List-Unsubscribe=One-Click. Both: 200 at once.
    const button = await unsubscribe(httpEvent('POST', `/unsubscribe?token=${token}`, form('')));
    expect(button.statusCode).toBe(200);
    expect(button.body).toContain('You are unsubscribed');
    expect((await world.stores.subscribers.get(subscriberId('ola@example.com')))?.state).toBe('unsubscribed');
    const replay = await unsubscribe(httpEvent('POST', `/unsubscribe?token=${token}`, form('List-Unsubscribe=One-Click')));
    expect(replay.statusCode).toBe(200);
  });
});

describe('only POST changes anything (mail scanners send HEAD and GET to every link)', () => {
  it('GET, HEAD, OPTIONS and other methods on every API route leave the stored subscribers as they were and send nothing', async () => {
    await subscribe(httpEvent('POST', '/subscribe', form('email=pia%40example.com')));
    const confirmLink = await confirmLinkFor('pia@example.com');
    await world.stores.subscribers.addConfirmed('quin@example.com', new Date(), 'cli');
    const unsubscribeToken = createToken({ purpose: 'unsubscribe', subscriber: subscriberId('quin@example.com'), list: LIST }, TOKEN_KEY);
    const records = () => Promise.all(['pia@example.com', 'quin@example.com'].map((email) => world.stores.subscribers.get(subscriberId(email))));
    const before = await records();
    const mailed = ses.messages.length;
    // Every HTTP route of the function table, with the link a scanner would find in a mail.
    const urls: Record<string, string> = { subscribe: '/subscribe?email=pia%40example.com', confirm: `/confirm${query(confirmLink)}`, unsubscribe: `/unsubscribe?token=${unsubscribeToken}` };
    const routes = FUNCTIONS.flatMap((f) => (f.trigger.kind === 'http' ? [f.name] : []));
    expect(routes.sort()).toEqual(Object.keys(urls).sort());
    for (const name of routes) {
      const handler = world.handlers[name as keyof typeof urls as 'subscribe' | 'confirm' | 'unsubscribe'];
      const url = urls[name]!;
      const get = await handler(httpEvent('GET', url));
      expect(get.statusCode, name).toBe(200);
      const head = await handler(httpEvent('HEAD', url));
      expect({ status: head.statusCode, headers: head.headers, body: head.body }, name).toEqual({ status: get.statusCode, headers: get.headers, body: undefined });
      const options = await handler(httpEvent('OPTIONS', url));
      expect(options.statusCode, name).toBe(204);
      expect(options.headers?.allow, name).toBe('GET, HEAD, POST, OPTIONS');
      for (const other of ['PUT', 'PATCH', 'DELETE']) {
        const refused = await handler(httpEvent(other, url, form('List-Unsubscribe=One-Click')));
        expect(refused.statusCode, `${other} ${name}`).toBe(405);
      }
    }
    expect(await records()).toEqual(before);
    expect(ses.messages).toHaveLength(mailed);
    // The button's POST confirms; pressing it again is harmless.
    expect((await pressConfirm(confirmLink)).statusCode).toBe(200);
    const confirmed = await world.stores.subscribers.get(subscriberId('pia@example.com'));
    expect(confirmed?.state).toBe('confirmed');
    expect((await pressConfirm(confirmLink)).body).toContain('already confirmed');
    expect(await world.stores.subscribers.get(subscriberId('pia@example.com'))).toEqual(confirmed);
  });
});
