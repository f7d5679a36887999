import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { decodeHTML } from 'entities';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { tempTree } from '../helpers/cli.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { httpEvent } from '../helpers/events.ts';
import { settingsYaml } from '../helpers/factories.ts';
import { startSesStandIn, type SesStandIn } from '../helpers/ses-standin.ts';
import { wireWorld, type World } from '../helpers/world.ts';

const json = (email: string) => ({ body: JSON.stringify({ email }), headers: { 'content-type': 'application/json', accept: 'application/json' } });
const form = (email: string) => ({ body: new URLSearchParams({ email }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

let dynamo: LocalDynamo;
let ses: SesStandIn;
let world: World;
const subscribe = (event: APIGatewayProxyEventV2) => world.handlers.subscribe(event);
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

const nobody = async () => expect(await world.stores.subscribers.countByState()).toEqual({ pending: 0, confirmed: 0, unsubscribed: 0, suppressed: 0 });

describe('POST /subscribe with addresses the mail service cannot carry: 400 with the reason, nothing stored, nothing sent', () => {
  it.each([
    ['a non-ASCII local part', 'jörg@example.de', '"ö" before the @ cannot be delivered to'],
    ['a Cyrillic look-alike letter', 'аnn@example.org', '"а" before the @ cannot be delivered to'],
    ['a non-ASCII local part on an IDN domain', '用户@例子.广告', '"用" before the @ cannot be delivered to'],
    ['a zero-width space', 'ann\u200b@example.org', 'invisible character (U+200B)'],
    ['a zero-width joiner in the domain', 'ann@exam\u200dple.org', 'invisible character (U+200D)'],
    ['a soft hyphen', 'ann@exa\u00admple.org', 'invisible character (U+00AD)'],
    ['a right-to-left override', '\u202emoc.elpmaxe@nna', 'hidden text-direction character (U+202E)'],
    ['a right-to-left mark', 'ann\u200f@example.org', 'hidden text-direction character (U+200F)'],
    ['255 characters', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.org`, 'that email address is too long'],
    ['a 10,000-character local part', `${'a'.repeat(10_000)}@example.org`, 'that email address is too long'],
    ['a percent-encoded domain', 'ann@exa%6dple.org', 'that does not look like an email address'],
  ])('%s', async (_what, email, reason) => {
    const res = await subscribe(httpEvent('POST', '/subscribe', json(email)));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).error).toContain(reason);
    const page = await subscribe(httpEvent('POST', '/subscribe', form(email)));
    expect(page.statusCode).toBe(400);
    expect(decodeHTML(page.body!)).toContain(reason);
    await nobody();
    expect(ses.messages).toHaveLength(0);
  });
});

describe('POST /subscribe with an internationalised domain', () => {
  it.each([
    ['jorg@bücher.de', 'jorg@xn--bcher-kva.de'],
    ['ivan@ПРИМЕР.рф', 'ivan@xn--e1afmkfd.xn--p1ai'],
  ])('%s is stored and mailed as %s', async (typed, ascii) => {
    const res = await subscribe(httpEvent('POST', '/subscribe', json(typed)));
    expect(res.statusCode).toBe(202);
    expect(await world.stores.subscribers.get(subscriberId(ascii))).toMatchObject({ email: ascii, state: 'pending' });
    expect(ses.messages.map((m) => m.destinations)).toEqual([[ascii]]);
    const parsed = await simpleParser(ses.messages[0]!.raw);
    expect(parsed.headerLines.find((h) => h.key === 'to')?.line).toBe(`To: ${ascii}`);
    // Typed the other way, it is the same subscriber: no second record.
    await subscribe(httpEvent('POST', '/subscribe', json(ascii)));
    expect((await world.stores.subscribers.countByState()).pending).toBe(1);
  });
});
