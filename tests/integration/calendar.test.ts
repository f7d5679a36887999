// Eight weeks of a weekly digest on a simulated clock, against the real adapters (dynalite, the outbox,
// the file site): articles are published, embargoed, edited, renamed and deleted; people join, confirm,
// leave, come back and bounce. After every step the test checks what a reader and a subscriber would
// meet: every issue sent (who got it, what it carried), every archive page, every link in every mail,
// and the three feeds.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAtomFeed, parseRssFeed } from 'feedsmith';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo/table.ts';
import { dynamoStores } from '../../functions/adapters/dynamo/stores.ts';
import { FileContentSource } from '../../functions/adapters/fs-content.ts';
import { FileMailer } from '../../functions/adapters/file-mailer.ts';
import { FileSiteOutput } from '../../functions/adapters/fs-output.ts';
import { FileTemplateSource } from '../../functions/adapters/fs-templates.ts';
import { SiteIssueArchive } from '../../functions/core/issue/publish.ts';
import { applySesEvent } from '../../functions/core/sending/ses-events.ts';
import { loadSettings } from '../../functions/core/settings.ts';
import { buildSite } from '../../functions/core/site/build.ts';
import { newslettersOf } from '../../functions/core/newsletters/list.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { SubscriptionMailer } from '../../functions/core/subscribers/confirmation.ts';
import { SubscriptionService } from '../../functions/core/subscribers/service.ts';
import { verifyToken } from '../../functions/core/tokens.ts';
import { sendIssue } from '../../functions/local/send.ts';
import { DEFAULT_TEMPLATES } from '../../functions/wiring/paths.ts';
import type { System } from '../../functions/wiring/system.ts';
import { tempDir } from '../helpers/cli.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { articleText, settingsObject, settingsYaml } from '../helpers/factories.ts';
import { memoryLogger } from '../helpers/memory.ts';

const KEY = 'calendar-test-signing-key-that-is-long-enough';
const SITE = 'https://gazette.example.org/news/';
const API = 'https://gazette.example.org/api/';
const LIST = 'digest.gazette.example.org';
const DAY = 86_400_000;

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => dynamo.close());

interface World {
  clock: { now: Date };
  content: string;
  site: string;
  outbox: FileMailer;
  system: System;
  service: SubscriptionService;
  /** What each issue should have carried and to whom, as the story tells it. */
  expected: Map<string, { articles: string[]; to: string[] }>;
  /** Articles deleted from the content: their pages must be gone, and no archive page may link them. */
  deleted: Set<string>;
}

async function setUp(): Promise<World> {
  const root = tempDir('newsletter-calendar-');
  const content = join(root, 'content');
  const site = join(root, 'site');
  const digest = { ...(settingsObject().digest as Record<string, unknown>), schedule: { cron: '0 7 * * 1', timezone: 'UTC' }, lookbackDays: 7 };
  mkdirSync(join(content, 'articles'), { recursive: true });
  writeFileSync(join(content, 'publication.yaml'), settingsYaml({ digest }));
  const table = await dynamo.table();
  const stores = dynamoStores(documentClient(dynamo.client), table);
  const contentSource = new FileContentSource(content);
  const templates = new FileTemplateSource(DEFAULT_TEMPLATES);
  const settings = await loadSettings(contentSource);
  const outbox = new FileMailer(join(root, 'outbox'));
  const clock = { now: new Date('2026-01-01T09:00:00Z') };
  const log = memoryLogger();
  const system: System = {
    mode: 'embedded',
    settings,
    content: contentSource,
    templates,
    stores,
    mailer: outbox,
    outbox,
    site: new FileSiteOutput(site),
    tokenKey: KEY,
    dataDir: root,
    log,
    close: async () => undefined,
  };
  const service = new SubscriptionService({
    subscribers: stores.subscribers,
    mailer: outbox,
    mail: await SubscriptionMailer.load(settings, templates),
    log,
    tokenKey: KEY,
    newsletters: newslettersOf(settings),
    apiUrl: API,
    envelopeFrom: 'digest@gazette.example.org',
    coolDownMs: 10 * 60_000,
    confirmTtlMs: 2 * DAY,
    pendingTtlMs: 7 * DAY,
    answerFloorMs: 0,
  });
  return { clock, content, site, outbox, system, service, expected: new Map(), deleted: new Set() };
}

const at = (w: World, iso: string) => {
  w.clock.now = new Date(iso);
};

function publish(w: World, file: string, fields: Record<string, unknown>, body = 'The first paragraph of this article.\n\nMore of it.\n'): void {
  writeFileSync(join(w.content, 'articles', file), articleText(fields, body));
}

/** The site as the server or the feeds function keeps it: rebuilt at every step (it follows the calendar). */
async function rebuild(w: World): Promise<void> {
  const output = new FileSiteOutput(w.site);
  const archive = new SiteIssueArchive({ issues: w.system.stores.issues, templates: w.system.templates });
  await buildSite({ content: w.system.content, output, templates: w.system.templates, log: memoryLogger(), archive }, w.clock.now);
}

async function messages(w: World): Promise<{ id: string; to: string; mail: ParsedMail }[]> {
  const out = [];
  for (const entry of await w.outbox.list()) out.push({ id: entry.id, to: entry.to, mail: await simpleParser((await w.outbox.read(entry.id))!) });
  return out;
}

/** Confirmation mails to `email`, newest last, as links. */
async function confirmLinks(w: World, email: string): Promise<string[]> {
  return (await messages(w))
    .filter((m) => m.to === email && m.mail.subject?.startsWith('Confirm'))
    .map((m) => /https:\/\/\S+\/confirm\?token=[A-Za-z0-9._%-]+/.exec(m.mail.text ?? '')![0]);
}

async function join_(w: World, email: string, confirm = true): Promise<void> {
  expect(await w.service.subscribe(email, w.clock.now)).toEqual({ ok: true });
  if (!confirm) return;
  const link = (await confirmLinks(w, email)).at(-1)!;
  expect(await w.service.confirm(new URL(link).searchParams.get('token'), w.clock.now)).toBe('confirmed');
}

async function leave(w: World, email: string): Promise<void> {
  const digest = (await messages(w)).filter((m) => m.to === email && m.mail.messageId?.includes(`.${subscriberId(email)}@`)).at(-1)!;
  const header = digest.mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line.replace(/\r?\n\s+/g, ' ');
  const oneClick = /<(https:[^>]+)>/.exec(header)![1]!;
  expect(await w.service.unsubscribe(new URL(oneClick).searchParams.get('token'), w.clock.now, 'one-click')).toMatchObject({ ok: true, everything: true });
}

async function send(w: World, iso: string, articles: string[], to: string[], options: { siteFirst?: boolean } = {}): Promise<void> {
  at(w, iso);
  if (options.siteFirst !== false) await rebuild(w);
  const summary = await sendIssue(w.system, w.clock.now, { now: () => w.clock.now, retryDelayMs: 0 });
  if (articles.length === 0) {
    expect(summary.kind, JSON.stringify(summary)).toBe('nothing-to-send');
    return;
  }
  expect(summary, JSON.stringify(summary)).toMatchObject({ kind: 'sent', incomplete: 0 });
  w.expected.set(summary.issueId, { articles, to: [...to].sort() });
  await rebuild(w);
}

/** Site files a URL under the site points to (`undefined` for URLs elsewhere). */
function sitePath(w: World, url: string): string | undefined {
  if (!url.startsWith(SITE)) return undefined;
  const path = decodeURIComponent(new URL(url).pathname.slice(new URL(SITE).pathname.length)) || 'index.html';
  return join(w.site, path.endsWith('/') ? `${path}index.html` : path);
}

/** Every check of what readers and subscribers meet, at the current step. */
async function checkEverything(w: World): Promise<void> {
  const all = await messages(w);
  const digests = all.filter((m) => /^<\d{4}-\d{2}-\d{2}T\d{4}Z\./.test(m.mail.messageId ?? ''));
  // Every issue sent: exactly the expected people, once each, with exactly the expected articles.
  const byIssue = new Map<string, { to: string[]; subjects: Set<string>; text: string[] }>();
  for (const d of digests) {
    const issueId = /^<([^.]+)\./.exec(d.mail.messageId!)![1]!;
    const entry = byIssue.get(issueId) ?? { to: [], subjects: new Set(), text: [] };
    entry.to.push(d.to);
    entry.subjects.add(d.mail.subject ?? '');
    entry.text.push(d.mail.text ?? '');
    byIssue.set(issueId, entry);
  }
  expect([...byIssue.keys()].sort()).toEqual([...w.expected.keys()].sort());
  for (const [issueId, { articles, to }] of w.expected) {
    const got = byIssue.get(issueId)!;
    expect(got.to.sort(), issueId).toEqual(to);
    for (const text of got.text) {
      const carried = [...text.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]!);
      expect(carried, issueId).toEqual(articles);
    }
  }
  // Every link in every mail resolves: site pages exist (or were deleted on purpose), API links carry valid tokens.
  for (const m of all) {
    const html = String(m.mail.html || '');
    const links = new Set([...html.matchAll(/href="([^"]+)"/g)].map((x) => x[1]!.replace(/&amp;/g, '&')));
    for (const x of (m.mail.text ?? '').matchAll(/https:\/\/\S+/g)) links.add(x[0]);
    for (const link of links) {
      if (link.startsWith('mailto:')) continue;
      const file = sitePath(w, link);
      if (file) {
        const deleted = [...w.deleted].some((slug) => link.endsWith(`/articles/${slug}.html`));
        expect(existsSync(file), `${link} in "${m.mail.subject}" to ${m.to}`).toBe(!deleted);
        continue;
      }
      expect(link.startsWith(API), link).toBe(true);
      const url = new URL(link);
      const purpose = url.pathname.endsWith('/confirm') ? 'confirm' : url.pathname.endsWith('/preferences') ? 'preferences' : 'unsubscribe';
      const check = verifyToken(url.searchParams.get('token'), { purpose, list: LIST }, KEY, 0);
      expect(check.ok, link).toBe(true);
    }
  }
  // Every archive page: one per issue sent, linking only pages that exist.
  const issuePages = readdirSync(join(w.site, 'issues')).filter((f) => /^\d.*\.html$/.test(f)).map((f) => f.replace(/\.html$/, ''));
  expect(issuePages.sort()).toEqual([...w.expected.keys()].sort());
  for (const page of [...issuePages.map((p) => `issues/${p}.html`), 'issues/index.html', 'index.html']) {
    const html = readFileSync(join(w.site, page), 'utf8');
    for (const [, href] of html.matchAll(/<a href="([^"#]+)"/g)) {
      if (/^https?:|^mailto:/.test(href!)) continue;
      const target = join(w.site, page, '..', href!);
      expect(existsSync(target.endsWith('/') ? join(target, 'index.html') : target), `${page} links ${href}`).toBe(true);
    }
  }
  // The three feeds carry exactly what is published now: nothing embargoed, nothing deleted.
  const published = readdirSync(join(w.content, 'articles'))
    .map((f) => readFileSync(join(w.content, 'articles', f), 'utf8'))
    .filter((text) => new Date(/^date: (.+)$/m.exec(text)![1]!.replace(/['"]/g, '')) <= w.clock.now)
    .map((text) => /^title: (.+)$/m.exec(text)![1]!.replace(/^['"]|['"]$/g, ''))
    .sort();
  expect(parseRssFeed(readFileSync(join(w.site, 'feed.xml'), 'utf8')).items!.map((i) => i.title).sort()).toEqual(published);
  expect(parseAtomFeed(readFileSync(join(w.site, 'atom.xml'), 'utf8')).entries!.map((e) => String(e.title?.value ?? e.title)).sort()).toEqual(published);
  expect(JSON.parse(readFileSync(join(w.site, 'feed.json'), 'utf8')).items.map((i: { title: string }) => i.title).sort()).toEqual(published);
  for (const slug of w.deleted) expect(existsSync(join(w.site, 'articles', `${slug}.html`)), slug).toBe(false);
}

describe('eight weeks of a weekly digest (simulated clock, real adapters)', () => {
  it('sends the right articles to the right people once, and every page, feed and link stays right as weeks pass', async () => {
    const w = await setUp();
    const mondays = (week: number) => new Date(Date.parse('2026-01-05T07:00:00Z') + week * 7 * DAY).toISOString();

    // Week 0: one article out, one embargoed for week 3; Ann and Bob join; Cat never confirms.
    at(w, '2026-01-02T09:00:00Z');
    publish(w, 'alpha.md', { title: 'Alpha', date: '2026-01-02T08:00:00Z', slug: 'alpha' });
    publish(w, 'embargoed.md', { title: 'Embargoed', date: '2026-01-20T06:00:00Z', slug: 'embargoed' });
    await join_(w, 'ann@example.com');
    await join_(w, 'bob@example.com');
    await join_(w, 'cat@example.com', false);
    await rebuild(w);
    await checkEverything(w);
    await send(w, mondays(0), ['Alpha'], ['ann@example.com', 'bob@example.com']);
    await checkEverything(w);

    // Week 1: Alpha is edited (never sent again), Beta is published; Bob leaves by one click, then a
    // stranger types Bob's address into the form: Bob stays off the list. Dan joins.
    at(w, '2026-01-07T10:00:00Z');
    publish(w, 'alpha.md', { title: 'Alpha, revised', date: '2026-01-02T08:00:00Z', updated: '2026-01-07T10:00:00Z', slug: 'alpha' });
    publish(w, 'beta.md', { title: 'Beta', date: '2026-01-07T10:00:00Z', slug: 'beta' });
    await rebuild(w);
    at(w, '2026-01-08T10:00:00Z');
    await leave(w, 'bob@example.com');
    at(w, '2026-01-09T10:00:00Z');
    expect(await w.service.subscribe('bob@example.com', w.clock.now)).toEqual({ ok: true });
    expect((await w.system.stores.subscribers.get(subscriberId('bob@example.com')))?.state).toBe('unsubscribed');
    await join_(w, 'dan@example.com');
    // Late on Sunday another article lands, and the site is not rebuilt before Monday's send: the
    // digest carries only what the site has published, and Late waits for the next issue.
    at(w, '2026-01-11T23:00:00Z');
    publish(w, 'late.md', { title: 'Late', date: '2026-01-11T22:00:00Z', slug: 'late' });
    await send(w, mondays(1), ['Beta'], ['ann@example.com', 'dan@example.com'], { siteFirst: false });
    await checkEverything(w);

    // Week 2: Gamma is published; Alpha's file is renamed (its id and slug kept); Ann's mailbox bounces
    // for good; the link the stranger's request mailed Bob has expired; Bob comes back himself.
    at(w, '2026-01-14T10:00:00Z');
    publish(w, 'gamma.md', { title: 'Gamma', date: '2026-01-14T10:00:00Z', slug: 'gamma' });
    const alphaId = 'tag:gazette.example.org,2026-01-02:alpha';
    renameSync(join(w.content, 'articles', 'alpha.md'), join(w.content, 'articles', 'alpha-renamed.md'));
    publish(w, 'alpha-renamed.md', { title: 'Alpha, revised', date: '2026-01-02T08:00:00Z', updated: '2026-01-07T10:00:00Z', slug: 'alpha', id: alphaId });
    at(w, '2026-01-15T10:00:00Z');
    const deps = { subscribers: w.system.stores.subscribers, deliveries: w.system.stores.deliveries, log: memoryLogger(), softBounceThreshold: 3 };
    await applySesEvent(deps, { eventType: 'Bounce', mail: { messageId: 'm-1' }, bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: 'ann@example.com' }] } }, w.clock.now);
    at(w, '2026-01-16T10:00:00Z');
    const strangers = (await confirmLinks(w, 'bob@example.com')).at(-1)!;
    expect(await w.service.confirm(new URL(strangers).searchParams.get('token'), w.clock.now)).toBe('expired');
    expect((await w.system.stores.subscribers.get(subscriberId('bob@example.com')))?.state).toBe('unsubscribed');
    await join_(w, 'bob@example.com');
    await send(w, mondays(2), ['Gamma', 'Late'], ['bob@example.com', 'dan@example.com']);
    await checkEverything(w);

    // Week 3: the embargo passes (the site shows it within the step), Beta is deleted.
    at(w, '2026-01-20T06:05:00Z');
    await rebuild(w);
    expect(parseRssFeed(readFileSync(join(w.site, 'feed.xml'), 'utf8')).items!.map((i) => i.title)).toContain('Embargoed');
    at(w, '2026-01-21T10:00:00Z');
    rmSync(join(w.content, 'articles', 'beta.md'));
    w.deleted.add('beta');
    await rebuild(w);
    await checkEverything(w);
    await send(w, mondays(3), ['Embargoed'], ['bob@example.com', 'dan@example.com']);
    await checkEverything(w);

    // Week 4: nothing new, no issue.
    await send(w, mondays(4), [], []);
    await checkEverything(w);

    // Week 5: Delta is published; Dan leaves and comes back.
    at(w, '2026-02-04T10:00:00Z');
    publish(w, 'delta.md', { title: 'Delta', date: '2026-02-04T10:00:00Z', slug: 'delta' });
    at(w, '2026-02-05T10:00:00Z');
    await leave(w, 'dan@example.com');
    at(w, '2026-02-06T10:00:00Z');
    await join_(w, 'dan@example.com');
    await send(w, mondays(5), ['Delta'], ['bob@example.com', 'dan@example.com']);
    await checkEverything(w);

    // Week 6: an article dated half a minute after the send waits for the next issue.
    at(w, '2026-02-12T10:00:00Z');
    publish(w, 'epsilon.md', { title: 'Epsilon', date: '2026-02-16T07:00:30Z', slug: 'epsilon' });
    await send(w, mondays(6), [], []);
    await checkEverything(w);

    // Week 7: it goes out.
    await send(w, mondays(7), ['Epsilon'], ['bob@example.com', 'dan@example.com']);
    await checkEverything(w);
    // Cat never confirmed and got nothing but the confirmation mail; Ann's opt-out (a bounce) held.
    const toCat = (await messages(w)).filter((m) => m.to === 'cat@example.com').map((m) => m.mail.subject);
    expect(toCat).toEqual(['Confirm your subscription to The Test Gazette']);
    expect((await w.system.stores.subscribers.get(subscriberId('ann@example.com')))?.state).toBe('suppressed');
  }, 300_000);
});
