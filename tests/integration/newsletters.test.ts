// Two newsletters on different schedules and tag filters, over five weeks on a simulated clock, through
// the real handlers over dynalite and an SES endpoint: who got which issue with which articles, once
// each, as the messages SES received say (parsed MIME: List-Id, subject, To, links). The publication
// starts as a single digest: its subscriber, watermark and an unsubscribe link mailed then carry over.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { tempTree } from '../helpers/cli.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { httpEvent, sqsEvent } from '../helpers/events.ts';
import { articleText, settingsObject, settingsYaml } from '../helpers/factories.ts';
import { startSesStandIn, type SesStandIn } from '../helpers/ses-standin.ts';
import { wireWorld, type World } from '../helpers/world.ts';

let dynamo: LocalDynamo;
let ses: SesStandIn;
beforeAll(async () => {
  dynamo = await startDynalite();
  ses = await startSesStandIn();
});
afterAll(async () => {
  await dynamo.close();
  await ses.close();
});

const { listId: legacyList, ...shared } = settingsObject().digest as Record<string, unknown>;
const NEWSLETTERS = [
  // The single digest, carried over: same id, same list id.
  { id: 'digest', name: 'The Weekly', schedule: { cron: '0 7 * * 1', timezone: 'UTC' }, listId: legacyList },
  { id: 'economy', name: 'Economy briefing', schedule: { cron: '0 8 * * 4', timezone: 'UTC' }, listId: 'economy.gazette.example.org', tags: ['economy'], subject: 'Economy: {{lead}}{{more}}', default: false },
];

interface Mail {
  to: string;
  parsed: ParsedMail;
  raw: string;
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json', accept: 'application/json' };
const header = (m: Mail, name: string) => m.parsed.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n\s+/g, ' ').replace(/^[^:]+: /, '');
const query = (link: string) => link.split('?')[1]!;

describe('two newsletters, five weeks (dynalite + an SES endpoint, real handlers)', () => {
  it('sends each newsletter its own articles on its own schedule to its own subscribers, once each, and follows every change of mind', async () => {
    const content = tempTree({ 'publication.yaml': settingsYaml(), 'articles/.keep': '' });
    const article = (file: string, title: string, date: string, tags: string[] = []) =>
      writeFileSync(join(content, 'articles', file), articleText({ title, date, ...(tags.length > 0 ? { tags } : {}) }));
    let seen = 0;
    const inbox: Mail[] = [];
    const received = async () => {
      for (const m of ses.messages.slice(seen)) inbox.push({ to: m.destinations[0]!, parsed: await simpleParser(m.raw), raw: m.raw.toString('utf8') });
      seen = ses.messages.length;
      return inbox;
    };
    const to = async (email: string, subject: RegExp) => (await received()).filter((m) => m.to === email && subject.test(m.parsed.subject ?? ''));
    const issueMails = async (issueId: string) => (await received()).filter((m) => m.parsed.messageId?.startsWith(`<${issueId}.`));

    let world: World = await wireWorld({ dynamo, ses: ses.client(), contentDir: content, batchSize: 2 });
    const clock = (iso: string) => void (world.clock.now = new Date(iso));
    const subscribe = async (body: Record<string, unknown>) => {
      const res = await world.handlers.subscribe(httpEvent('POST', '/subscribe', { body: JSON.stringify(body), headers: json }));
      expect(res.statusCode, res.body).toBe(202);
    };
    const confirm = async (email: string) => {
      const mail = (await to(email, /^Confirm/)).at(-1)!;
      const link = /https:\/\/\S+\/confirm\?token=[A-Za-z0-9._%-]+/.exec(mail.parsed.text!)![0];
      const res = await world.handlers.confirm(httpEvent('POST', `/confirm?${query(link)}`, { body: '', headers: form }));
      expect(res.body).toContain('You are subscribed');
      return link;
    };
    /** Plans and delivers one newsletter's issue at its scheduled time; returns who got it and what. */
    const send = async (newsletter: string, iso: string) => {
      clock(iso);
      const planned = await world.handlers.planIssue({ time: iso, newsletter });
      // The scheduler may fire twice: nothing is planned twice.
      expect(await world.handlers.planIssue({ time: iso, newsletter })).toMatchObject({ outcome: planned.outcome === 'no-articles' ? 'no-articles' : 'already-planned' });
      const queued = world.queue.drain();
      if (queued.length > 0) expect((await world.handlers.deliver(sqsEvent(queued))).batchItemFailures).toEqual([]);
      const mails = 'issueId' in planned ? await issueMails(planned.issueId) : [];
      return {
        planned,
        to: mails.map((m) => m.to).sort(),
        subjects: [...new Set(mails.map((m) => m.parsed.subject))],
        listIds: [...new Set(mails.map((m) => header(m, 'list-id')))],
        mails,
      };
    };

    // Before newsletters: a single digest, one subscriber, one issue; its unsubscribe link is kept.
    article('a0.md', 'Before it all', '2026-02-20T10:00:00Z');
    clock('2026-02-21T09:00:00Z');
    await subscribe({ email: 'old@example.com' });
    await confirm('old@example.com');
    const before = await send('digest', '2026-02-23T07:00:00Z');
    expect(before).toMatchObject({ planned: { outcome: 'planned', issueId: '2026-02-23T0700Z' }, to: ['old@example.com'], listIds: ['The Test Gazette <digest.gazette.example.org>'] });
    const oldLink = /<(https:[^>]+)>/.exec(header(before.mails[0]!, 'list-unsubscribe')!)![1]!;

    // The publication moves to two newsletters: same table, new settings.
    writeFileSync(join(content, 'publication.yaml'), settingsYaml({ digest: shared, newsletters: NEWSLETTERS }));
    world = await wireWorld({ dynamo, ses: ses.client(), contentDir: content, batchSize: 2, table: world.table });
    clock('2026-02-24T09:00:00Z');
    await subscribe({ email: 'ann@example.com', name: 'Ann Ōsaka', newsletters: ['digest', 'economy'] });
    await subscribe({ email: 'bob@example.com', newsletters: ['economy'] });
    await subscribe({ email: 'cat@example.com' });
    for (const who of ['ann', 'bob', 'cat']) await confirm(`${who}@example.com`);
    // One welcome per confirmation, naming what they will get and when.
    const annWelcome = await to('ann@example.com', /^Welcome/);
    expect(annWelcome).toHaveLength(1);
    expect(annWelcome[0]!.parsed.text).toContain('Hi Ann Ōsaka,');
    expect(annWelcome[0]!.parsed.text).toMatch(/- Economy briefing, at 08:00, only on Thursday \(UTC time\)/);
    expect((await to('bob@example.com', /^Welcome/))[0]!.parsed.text).not.toContain('The Weekly');

    // Week 1: an economy article (both newsletters carry it) and an untagged one (the digest only).
    article('a1.md', 'Rice prices climb', '2026-02-25T10:00:00Z', ['economy']);
    const econ1 = await send('economy', '2026-02-26T08:00:00Z');
    expect(econ1).toMatchObject({ planned: { issueId: 'economy-2026-02-26T0800Z' }, to: ['ann@example.com', 'bob@example.com'], subjects: ['Economy: Rice prices climb'], listIds: ['Economy briefing <economy.gazette.example.org>'] });
    // Ann's name greets her, and goes into To as an encoded word, never raw.
    const annEcon = econ1.mails.find((m) => m.to === 'ann@example.com')!;
    expect(annEcon.parsed.to).toMatchObject({ value: [{ name: 'Ann Ōsaka', address: 'ann@example.com' }] });
    expect(annEcon.raw).toMatch(/^To: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <ann@example\.com>\r$/m);
    expect(annEcon.parsed.text).toContain('Hi Ann Ōsaka,');
    expect(econ1.mails.find((m) => m.to === 'bob@example.com')!.parsed.text).toContain('Hi there,');
    article('a2.md', 'A festival in Pyongyang', '2026-02-27T10:00:00Z');
    const digest1 = await send('digest', '2026-03-02T07:00:00Z');
    // The digest's watermark carried over: Before it all is not sent again.
    expect(digest1).toMatchObject({ planned: { issueId: '2026-03-02T0700Z' }, to: ['ann@example.com', 'cat@example.com', 'old@example.com'], subjects: ['A festival in Pyongyang + 1 more'], listIds: ['The Weekly <digest.gazette.example.org>'] });
    expect(digest1.mails[0]!.parsed.text).toContain('Rice prices climb');
    expect(digest1.mails[0]!.parsed.text).not.toContain('Before it all');

    // Ann leaves the economy briefing by one click (RFC 8058) from its List-Unsubscribe: she keeps the digest.
    const annOneClick = /<(https:[^>]+)>/.exec(header(annEcon, 'list-unsubscribe')!)![1]!;
    expect(header(annEcon, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const left = await world.handlers.unsubscribe(httpEvent('POST', `/unsubscribe?${query(annOneClick)}`, { body: 'List-Unsubscribe=One-Click', headers: form }));
    expect(left.statusCode).toBe(200);
    const ann = await world.stores.subscribers.get(subscriberId('ann@example.com'));
    expect(ann).toMatchObject({ state: 'confirmed', newsletters: ['digest'], optOuts: { economy: { source: 'one-click' } } });
    expect(ann!.history.at(-1)).toMatchObject({ type: 'left', newsletter: 'economy', source: 'one-click' });

    // Week 2: Ann is not in the economy issue; Bob is.
    article('a3.md', 'Markets reopen', '2026-03-03T10:00:00Z', ['economy']);
    article('a4.md', 'A new museum', '2026-03-04T10:00:00Z', ['culture']);
    expect(await send('economy', '2026-03-05T08:00:00Z')).toMatchObject({ to: ['bob@example.com'], subjects: ['Economy: Markets reopen'] });

    // Ann opens her preferences from the digest: ticks the economy briefing again, unticks the digest, gives a shorter name.
    const prefsLink = /Preferences: (\S+)/.exec(digest1.mails.find((m) => m.to === 'ann@example.com')!.parsed.text!)![1]!;
    const page = await world.handlers.preferences(httpEvent('GET', `/preferences?${query(prefsLink)}`));
    expect(page.statusCode).toBe(200);
    const version = /name="version" value="(\d+)"/.exec(page.body!)![1]!;
    const save = `version=${version}&newsletters=economy&name=Ann`;
    expect((await world.handlers.preferences(httpEvent('POST', `/preferences?${query(prefsLink)}`, { body: save, headers: form }))).statusCode).toBe(200);
    // The same form posted again (a replay, a second tab) changes nothing.
    const replay = await world.handlers.preferences(httpEvent('POST', `/preferences?${query(prefsLink)}`, { body: `version=${version}&newsletters=digest&name=Mallory`, headers: form }));
    expect(replay.statusCode).toBe(409);
    expect(await world.stores.subscribers.get(subscriberId('ann@example.com'))).toMatchObject({ name: 'Ann', newsletters: ['economy'] });

    // Cat leaves everything from the unsubscribe page, then asks again from the form: that takes a confirmation.
    const catLink = /Unsubscribe: (\S+)/.exec(digest1.mails.find((m) => m.to === 'cat@example.com')!.parsed.text!)![1]!;
    expect((await world.handlers.unsubscribe(httpEvent('POST', `/unsubscribe?${query(catLink)}`, { body: 'scope=everything', headers: form }))).statusCode).toBe(200);
    expect((await world.stores.subscribers.get(subscriberId('cat@example.com')))?.state).toBe('unsubscribed');
    clock('2026-03-08T09:00:00Z');
    await subscribe({ email: 'cat@example.com', newsletters: ['digest'] });
    expect(await to('cat@example.com', /^Confirm/)).toHaveLength(2);
    expect(await to('cat@example.com', /already subscribed/)).toHaveLength(0);

    // Week 3: the digest goes to Old only (Ann left it, Cat has not confirmed again).
    const digest2 = await send('digest', '2026-03-09T07:00:00Z');
    expect(digest2).toMatchObject({ to: ['old@example.com'], subjects: ['A new museum + 1 more'] });
    await confirm('cat@example.com');
    article('a5.md', 'Trade fair opens', '2026-03-10T10:00:00Z', ['economy']);
    expect(await send('economy', '2026-03-12T08:00:00Z')).toMatchObject({ to: ['ann@example.com', 'bob@example.com'], subjects: ['Economy: Trade fair opens'] });
    expect((await send('economy', '2026-03-12T08:00:00Z')).to).toEqual(['ann@example.com', 'bob@example.com']);

    // Old's unsubscribe link, mailed before newsletters, still works: it leaves the digest, his only one.
    const oldLeave = await world.handlers.unsubscribe(httpEvent('POST', `/unsubscribe?${query(oldLink)}`, { body: 'List-Unsubscribe=One-Click', headers: form }));
    expect(oldLeave.statusCode).toBe(200);
    expect(await world.stores.subscribers.get(subscriberId('old@example.com'))).toMatchObject({ state: 'unsubscribed' });

    // Week 4: the digest reaches Cat again, and nobody else.
    article('a6.md', 'Spring planting', '2026-03-13T10:00:00Z');
    expect(await send('digest', '2026-03-16T07:00:00Z')).toMatchObject({ to: ['cat@example.com'], subjects: ['Spring planting + 1 more'] });
    expect(await send('economy', '2026-03-19T08:00:00Z')).toMatchObject({ planned: { outcome: 'no-articles' } });

    // Exactly once: no (issue, address) pair twice, and every issue's watermark moved on its own.
    const pairs = (await received()).filter((m) => /^<[^>]*\d{4}-\d{2}-\d{2}T\d{4}Z\./.test(m.parsed.messageId ?? '')).map((m) => `${m.parsed.messageId!.split('.')[0]} ${m.to}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs).toHaveLength(1 + 2 + 3 + 1 + 1 + 2 + 1);
    expect((await world.stores.issues.getListState('economy.gazette.example.org')).watermark?.toISOString()).toBe('2026-03-12T08:00:00.000Z');
    expect((await world.stores.issues.getListState('digest.gazette.example.org')).watermark?.toISOString()).toBe('2026-03-16T07:00:00.000Z');
    // For the closing note: who got what.
    const table = (await received())
      .filter((m) => /^<[^>]*\d{4}-\d{2}-\d{2}T\d{4}Z\./.test(m.parsed.messageId ?? ''))
      .map((m) => `${m.parsed.messageId!.slice(1).split('.')[0]}  ${m.to}  ${m.parsed.subject}`);
    console.log(`two-newsletter run, ${table.length} issue mails:\n${table.join('\n')}`);
  }, 120_000);
});
