import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FileContentSource } from '../../functions/adapters/fs-content.ts';
import { FileTemplateSource } from '../../functions/adapters/fs-templates.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { exportSubscribers } from '../../functions/cli/commands/subscribers-csv.ts';
import type { SendStarter } from '../../functions/core/admin/ports.ts';
import { TEST_SEND_TAGS } from '../../functions/core/admin/test-send.ts';
import { loadSettings } from '../../functions/core/settings.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { adminHandler } from '../../functions/handlers/admin.ts';
import { ADMIN_ROUTES } from '../../functions/handlers/http/admin-routes.ts';
import { adminDeps } from '../../functions/wiring/admin.ts';
import { DEFAULT_TEMPLATES } from '../../functions/wiring/paths.ts';
import { tempDir, tempTree } from '../helpers/cli.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { httpEvent, snsEvent, sqsEvent } from '../helpers/events.ts';
import { articleText, settingsObject, settingsYaml } from '../helpers/factories.ts';
import { memoryLogger } from '../helpers/memory.ts';
import { startSesStandIn, type SesStandIn } from '../helpers/ses-standin.ts';
import { TOKEN_KEY, wireWorld, type World } from '../helpers/world.ts';

// The console's API through its handler, over dynalite and an SES stand-in, with the planner and the
// delivery worker of the same world behind "send now".
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

const LIST = 'digest.gazette.example.org';
const OPERATOR = { sub: 'op-1', email: 'ops@gazette.example.org' };

interface Console {
  world: World;
  contentDir: string;
  starts: { issueId: string; at: Date; newsletter: string }[];
  call(method: string, path: string, body?: unknown, options?: { operator?: boolean; contentType?: string }): Promise<{ status: number; json: any; headers: Record<string, unknown>; body?: string | undefined }>;
}

async function console_(files: Record<string, string> = { 'publication.yaml': settingsYaml(), 'articles/first.md': articleText({ title: 'First report', date: '2026-01-03T10:00:00Z' }) }): Promise<Console> {
  const contentDir = tempTree(files);
  const world = await wireWorld({ dynamo, ses: ses.client(), contentDir });
  // SES's Send and Delivery events reach the SES-events handler, as through the configuration set.
  ses.publish = (event) => world.handlers.sesEvents(snsEvent([event]));
  world.clock.now = new Date('2026-01-05T07:00:30Z');
  const starts: Console['starts'] = [];
  // "Send now" as on AWS: the planner asked for the time; here the queue is drained into the worker at once.
  const starter: SendStarter = {
    async start(issueId, at, newsletter) {
      starts.push({ issueId, at, newsletter });
      await world.handlers.planIssue({ time: at.toISOString(), newsletter });
      await world.handlers.deliver(sqsEvent(world.queue.drain()));
      return { kind: 'started', issueId };
    },
  };
  const content = new FileContentSource(contentDir);
  const handler = adminHandler(adminDeps({
    settings: await loadSettings(content),
    content,
    templates: new FileTemplateSource(DEFAULT_TEMPLATES),
    stores: world.stores,
    mailer: new SesMailer(ses.client(), { maxSendRate: 1000, baseDelayMs: 5, maxDelayMs: 50 }),
    tokenKey: TOKEN_KEY,
    log: memoryLogger(),
    starter,
    now: () => world.clock.now,
  }));
  return {
    world,
    contentDir,
    starts,
    async call(method, path, body, options = {}) {
      const event = httpEvent(method, `/api${path}`, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': options.contentType ?? 'application/json' } });
      if (options.operator !== false) (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims: OPERATOR, scopes: [] } };
      const res = await handler(event);
      return { status: res.statusCode!, json: res.body ? JSON.parse(res.body) : undefined, headers: res.headers ?? {}, body: res.body };
    },
  };
}

let c: Console;
beforeEach(async () => {
  ses.messages.length = 0;
  c = await console_();
  const { subscribers } = c.world.stores;
  const at = new Date('2026-01-04T12:00:00Z');
  for (const email of ['ann@example.com', 'bob@example.com', 'cat@example.com', 'dan@example.com', 'eve@example.com']) await subscribers.addConfirmed(email, at, 'cli');
  await subscribers.unsubscribe(subscriberId('dan@example.com'), at, 'one-click');
  await subscribers.suppress('eve@example.com', 'bounce: General', at, 'bounce');
});

describe('the console API', () => {
  it('answers nobody without an operator: every route, every method', async () => {
    for (const route of ADMIN_ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await c.call(method, path.replace('{id}', '2026-01-05T0700Z'), method === 'POST' ? { email: 'ann@example.com', to: 'x@example.com', issueId: '2026-01-05T0700Z' } : undefined, { operator: false });
      expect(res.status, route).toBe(401);
    }
    expect(ses.messages).toHaveLength(0);
    expect(c.starts).toHaveLength(0);
  });

  it('takes JSON only: a form posted from another site is refused before anything is read', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await c.call('POST', '/admin/subscriber/unsubscribe', 'email=ann%40example.com', { contentType: type });
      expect(res.status, type).toBe(415);
    }
    expect((await c.world.stores.subscribers.get(subscriberId('ann@example.com')))?.state).toBe('confirmed');
    expect((await c.call('GET', '/admin/nowhere')).status).toBe(404);
    const wrong = await c.call('POST', '/admin/overview', {});
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect((await c.call('OPTIONS', '/admin/send/now')).status).toBe(204);
  });

  it('changes nothing on GET, HEAD or OPTIONS of any route', async () => {
    const { stores } = c.world;
    const snapshot = async () => ({
      subscribers: await stores.subscribers.getMany(['ann', 'bob', 'cat', 'dan', 'eve'].map((n) => subscriberId(`${n}@example.com`))),
      list: await stores.issues.getListState(LIST),
      issues: (await stores.issues.listIssues(LIST, { limit: 10 })).issues,
      mail: ses.messages.length,
    });
    const before = await snapshot();
    const reads = ADMIN_ROUTES.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4).replace('{id}', '2026-01-05T0700Z'));
    for (const path of [...reads, '/admin/subscribers?email=ann@example.com', '/admin/subscriber?email=ann@example.com', ...ADMIN_ROUTES.filter((r) => r.startsWith('POST ')).map((r) => r.slice(5))]) {
      for (const method of ['GET', 'HEAD', 'OPTIONS']) {
        const res = await c.call(method, path);
        expect([200, 204, 400, 404, 405], `${method} ${path}`).toContain(res.status);
        if (method === 'HEAD') expect(res.body, `HEAD ${path}`).toBeUndefined();
      }
    }
    expect(await snapshot()).toEqual(before);
    expect(c.starts).toHaveLength(0);
  });

  it('sends the issue due only once the operator confirms the id it showed, and never one already sent', async () => {
    const due = await c.call('GET', '/admin/send');
    expect(due.json).toMatchObject({ issueId: '2026-01-05T0700Z', state: 'ready', recipients: 3, preview: { subject: 'First report' } });
    expect(due.json.preview.html).toContain('First report');
    expect((await c.call('POST', '/admin/send/now', {})).status).toBe(400);
    const stale = await c.call('POST', '/admin/send/now', { issueId: '2025-12-29T0700Z' });
    expect(stale.status).toBe(409);
    expect(stale.json.error).toContain('the issue due now is 2026-01-05T0700Z');
    expect(c.starts).toHaveLength(0);

    const sent = await c.call('POST', '/admin/send/now', { issueId: '2026-01-05T0700Z' });
    expect(sent).toMatchObject({ status: 200, json: { kind: 'started', issueId: '2026-01-05T0700Z' } });
    // The planner is asked for now, never a later time.
    expect(c.starts).toEqual([{ issueId: '2026-01-05T0700Z', at: c.world.clock.now, newsletter: 'digest' }]);
    expect(ses.messages.map((m) => m.destinations[0]).sort()).toEqual(['ann@example.com', 'bob@example.com', 'cat@example.com']);
    expect((await c.call('POST', '/admin/send/now', { issueId: '2026-01-05T0700Z' })).status).toBe(409);

    const overview = (await c.call('GET', '/admin/overview')).json;
    expect(overview.counts).toEqual({ pending: 0, confirmed: 3, unsubscribed: 1, suppressed: 1 });
    expect(overview.sending).toBeUndefined();
    expect(overview.last).toMatchObject({ issueId: '2026-01-05T0700Z', planned: 3, done: 3, sent: 3 });
    expect(overview.rates).toMatchObject({ issues: 1, sent: 3, bounce: { value: 0, level: 'ok' }, complaint: { value: 0, level: 'ok' } });
    // The week of 29 December 2025 (Monday) holds the five confirmations and the two opt-outs of 4 January.
    expect(overview.growth.weeks).toHaveLength(12);
    expect(overview.growth.weeks.at(-2)).toEqual({ week: '2025-12-29T00:00:00.000Z', confirmed: 5, optedOut: 2 });
    expect(overview.nextSend.at).toBe('2026-01-12T07:00:00.000Z');

    const issues = (await c.call('GET', '/admin/issues')).json.issues;
    expect(issues).toEqual([expect.objectContaining({
      id: '2026-01-05T0700Z',
      status: 'sent',
      archiveUrl: 'https://gazette.example.org/news/issues/2026-01-05T0700Z.html',
      figures: { planned: 3, sent: 3, skipped: 0, failed: 0, delivered: 3, bounced: 0, complained: 0, rejected: 0 },
    })]);
    const one = (await c.call('GET', '/admin/issues/2026-01-05T0700Z')).json;
    expect(one.articleList.map((a: { title: string }) => a.title)).toEqual(['First report']);
    expect((await c.call('GET', '/admin/issues/2030-01-01T0000Z')).status).toBe(404);
  });

  it('a test send goes out marked, carries no issue or subscriber tag, and changes no figure', async () => {
    await c.call('POST', '/admin/send/now', { issueId: '2026-01-05T0700Z' });
    const figures = async () => ({ issue: await c.world.stores.issues.getIssue('2026-01-05T0700Z'), list: await c.world.stores.issues.getListState(LIST) });
    const before = await figures();
    ses.messages.length = 0;
    const res = await c.call('POST', '/admin/send/test', { to: ' Ops@Gazette.Example.org ' });
    expect(res.json).toMatchObject({ to: 'Ops@gazette.example.org', issueId: '2026-01-05T0700Z', subject: '[Test] First report' });
    expect(ses.messages).toHaveLength(1);
    const [message] = ses.messages;
    expect(message!.tags).toEqual(TEST_SEND_TAGS);
    const mail = await simpleParser(message!.raw);
    expect(mail.subject).toBe('[Test] First report');
    expect(mail.to).toMatchObject({ text: 'Ops@gazette.example.org' });
    // Its own Message-ID: a mail client must not take the real issue for a copy of the test.
    expect(mail.messageId).toMatch(/^<2026-01-05T0700Z\.test-[a-z0-9]+\./);
    // SES's events about it (as the configuration set would publish them) are not counted.
    await c.world.handlers.sesEvents(snsEvent([{ eventType: 'Send', mail: { messageId: message!.messageId, tags: { kind: ['test-send'] } } }]));
    expect(await c.world.stores.deliveries.forSubscriber(subscriberId('ops@gazette.example.org'), ['2026-01-05T0700Z'])).toEqual([]);
    expect(await figures()).toEqual(before);
    expect((await c.call('POST', '/admin/send/test', { to: 'not an address' })).status).toBe(400);
  });

  it('finds a subscriber by address and shows their consent history and deliveries', async () => {
    await c.call('POST', '/admin/send/now', { issueId: '2026-01-05T0700Z' });
    // The address is normalised as a stored one is (the id does not depend on case).
    expect((await c.call('GET', '/admin/subscribers?email=%20ANN@EXAMPLE.COM')).json.items).toEqual([expect.objectContaining({ email: 'ann@example.com', state: 'confirmed' })]);
    expect((await c.call('GET', '/admin/subscribers?email=zed@example.com')).json.items).toEqual([]);
    expect((await c.call('GET', '/admin/subscribers?email=nobody')).status).toBe(400);
    const history = (await c.call('GET', '/admin/subscriber?email=dan@example.com')).json;
    expect(history.events.map((e: { type: string; source: string }) => `${e.type}/${e.source}`)).toEqual(['added/cli', 'unsubscribed/one-click']);
    expect(history.deliveries).toEqual([]);
    const ann = (await c.call('GET', '/admin/subscriber?email=ann@example.com')).json;
    expect(ann.deliveries).toEqual([expect.objectContaining({ issueId: '2026-01-05T0700Z', status: 'sent', subject: 'First report' })]);
    const page = (await c.call('GET', '/admin/subscribers?state=confirmed&limit=2')).json;
    expect(page.items).toHaveLength(2);
    const rest = (await c.call('GET', `/admin/subscribers?state=confirmed&after=${page.cursor}`)).json;
    expect([...page.items, ...rest.items].map((s: { email: string }) => s.email).sort()).toEqual(['ann@example.com', 'bob@example.com', 'cat@example.com']);
    expect((await c.call('GET', '/admin/subscribers?state=everyone')).status).toBe(400);
  });

  it('unsubscribes and suppresses for the operator (source "console"); the next issue skips them', async () => {
    await c.call('POST', '/admin/send/now', { issueId: '2026-01-05T0700Z' });
    const res = await c.call('POST', '/admin/subscriber/unsubscribe', { email: 'bob@example.com' });
    expect(res.json).toMatchObject({ outcome: 'unsubscribed', subscriber: { state: 'unsubscribed' } });
    expect((await c.call('POST', '/admin/subscriber/unsubscribe', { email: 'bob@example.com' })).json.outcome).toBe('already');
    expect((await c.call('POST', '/admin/subscriber/suppress', { email: 'cat@example.com', reason: 'asked by phone\r\nBcc: x' })).json.outcome).toBe('suppressed');
    const cat = await c.world.stores.subscribers.get(subscriberId('cat@example.com'));
    expect(cat?.history.at(-1)).toMatchObject({ type: 'suppressed', source: 'console', detail: 'operator: asked by phone Bcc: x' });
    expect((await c.world.stores.subscribers.get(subscriberId('bob@example.com')))?.history.at(-1)).toMatchObject({ type: 'unsubscribed', source: 'console' });

    writeFileSync(join(c.contentDir, 'articles/second.md'), articleText({ title: 'Second report', date: '2026-01-08T10:00:00Z' }));
    c.world.clock.now = new Date('2026-01-12T07:00:10Z');
    ses.messages.length = 0;
    const due = (await c.call('GET', '/admin/send')).json;
    expect(due).toMatchObject({ issueId: '2026-01-12T0700Z', state: 'ready', recipients: 1 });
    await c.call('POST', '/admin/send/now', { issueId: due.issueId });
    expect(ses.messages.map((m) => m.destinations[0])).toEqual(['ann@example.com']);
  });

  it('resends a confirmation only to a pending address, through the subscription cool-down; an opt-out is never asked again', async () => {
    await c.world.stores.subscribers.requestSubscription('fay@example.com', new Date('2026-01-05T06:00:00Z'), { coolDownMs: 600_000, pendingExpiry: new Date('2026-01-12T00:00:00Z'), source: 'form' });
    const sent = await c.call('POST', '/admin/subscriber/resend', { email: 'fay@example.com' });
    expect(sent.json.outcome).toBe('sent');
    expect(ses.messages.map((m) => [m.destinations[0], m.tags.kind])).toEqual([['fay@example.com', 'confirmation']]);
    expect((await c.call('POST', '/admin/subscriber/resend', { email: 'fay@example.com' })).json.outcome).toBe('cool-down');
    expect(ses.messages).toHaveLength(1);
    for (const email of ['ann@example.com', 'dan@example.com', 'eve@example.com']) {
      const refused = await c.call('POST', '/admin/subscriber/resend', { email });
      expect(refused.status, email).toBe(409);
    }
    expect((await c.call('POST', '/admin/subscriber/resend', { email: 'dan@example.com' })).json.error).toContain('only the person can subscribe again');
    expect((await c.world.stores.subscribers.get(subscriberId('dan@example.com')))?.state).toBe('unsubscribed');
    expect((await c.call('POST', '/admin/subscriber/resend', { email: 'zed@example.com' })).status).toBe(404);
    expect(ses.messages).toHaveLength(1);
  });

  it('exports every subscriber page by page, as `subscribers export` writes them', async () => {
    const parts: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await c.call('GET', `/admin/export${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`)).json;
      parts.push(page.csv);
      cursor = page.cursor;
      expect(++pages).toBeLessThan(10);
    } while (cursor);
    const file = join(tempDir(), 'export.csv');
    await exportSubscribers(c.world.stores.subscribers, file);
    expect(parse(parts.join(''))).toEqual(parse(readFileSync(file, 'utf8')));
    expect((await c.call('GET', '/admin/export?cursor=nope')).status).toBe(400);
  });

  it('works across newsletters: each issue named with its newsletter, the Send view and send now for the one chosen, paging across lists', async () => {
    const schedule = { cron: '0 7 * * 1', timezone: 'UTC' };
    const newsletters = [
      { id: 'digest', name: 'Gazette weekly', description: 'Everything', schedule, listId: LIST, default: true },
      { id: 'economy', name: 'Economy brief', description: 'Money', schedule, tags: ['economy'], listId: 'economy.gazette.example.org', default: false },
    ];
    const settings = settingsObject({ newsletters });
    // With newsletters:, each carries its own list id.
    delete (settings.digest as Record<string, unknown>).listId;
    const two = await console_({
      'publication.yaml': stringify(settings),
      'articles/budget.md': articleText({ title: 'Budget passes', date: '2026-01-03T10:00:00Z', tags: ['economy'] }),
    });
    const at = new Date('2026-01-04T12:00:00Z');
    await two.world.stores.subscribers.addConfirmed('ann@example.com', at, 'cli', { newsletters: ['digest', 'economy'] });
    await two.world.stores.subscribers.addConfirmed('bob@example.com', at, 'cli', { newsletters: ['digest'] });

    const due = (await two.call('GET', '/admin/send?newsletter=economy')).json;
    expect(due).toMatchObject({ newsletter: { id: 'economy', name: 'Economy brief' }, issueId: 'economy-2026-01-05T0700Z', state: 'ready', recipients: 2, recipientsAtMost: true });
    expect(due.newsletters.map((n: { name: string }) => n.name)).toEqual(['Gazette weekly', 'Economy brief']);
    expect((await two.call('GET', '/admin/send')).json).toMatchObject({ newsletter: { id: 'digest' }, issueId: '2026-01-05T0700Z' });
    // The confirmation must name the issue of the newsletter asked for.
    expect((await two.call('POST', '/admin/send/now', { issueId: '2026-01-05T0700Z', newsletter: 'economy' })).status).toBe(409);
    expect((await two.call('POST', '/admin/send/now', { issueId: 'economy-2026-01-05T0700Z', newsletter: 'economy' })).json).toMatchObject({ kind: 'started' });
    expect((await two.call('POST', '/admin/send/now', { issueId: '2026-01-05T0700Z' })).json).toMatchObject({ kind: 'started' });
    expect(two.starts.map((s) => s.newsletter)).toEqual(['economy', 'digest']);

    const all = (await two.call('GET', '/admin/issues')).json;
    expect(all.issues.map((i: { id: string; newsletter: { name: string }; figures: { sent: number } }) => [i.id, i.newsletter.name, i.figures.sent])).toEqual([
      ['2026-01-05T0700Z', 'Gazette weekly', 2],
      ['economy-2026-01-05T0700Z', 'Economy brief', 1],
    ]);
    expect(all.cursor).toBeUndefined();
    const first = (await two.call('GET', '/admin/issues?limit=1')).json;
    const second = (await two.call('GET', `/admin/issues?limit=1&after=${first.cursor}`)).json;
    expect([...first.issues, ...second.issues].map((i: { id: string }) => i.id)).toEqual(['2026-01-05T0700Z', 'economy-2026-01-05T0700Z']);
    expect(second.cursor).toBeUndefined();
    expect((await two.call('GET', '/admin/issues?after=bm9wZQ')).status).toBe(400);
    expect((await two.call('GET', '/admin/issues?newsletter=economy')).json.issues.map((i: { id: string }) => i.id)).toEqual(['economy-2026-01-05T0700Z']);

    const overview = (await two.call('GET', '/admin/overview')).json;
    expect(overview.newsletters).toHaveLength(2);
    expect(overview.rates).toMatchObject({ issues: 2, sent: 3 });
    expect(overview.nextSend.newsletter.name).toBe('Gazette weekly');
    const ann = (await two.call('GET', '/admin/subscriber?email=ann@example.com')).json;
    expect(ann.subscriber.newsletters).toEqual(['digest', 'economy']);
    expect(ann.deliveries.map((d: { issueId: string }) => d.issueId).sort()).toEqual(['2026-01-05T0700Z', 'economy-2026-01-05T0700Z']);
  });
});
