import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../functions/core/articles/types.ts';
import { compileDigestMessage } from '../../functions/core/digest/message.ts';
import { personaliseDigest, renderDigest } from '../../functions/core/digest/render.ts';
import { issueDueAt } from '../../functions/core/issue/due.ts';
import { issueIdFor, issueTime } from '../../functions/core/issue/id.ts';
import { IssueSchedule } from '../../functions/core/issue/schedule.ts';
import type { IssueContent } from '../../functions/core/issue/types.ts';
import { issueWindow, selectIssueArticles } from '../../functions/core/issue/window.ts';
import { loadEmailTemplate } from '../../functions/core/digest/templates.ts';
import type { TemplateSource } from '../../functions/core/ports.ts';
import type { Settings } from '../../functions/core/settings.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { createToken, verifyToken } from '../../functions/core/tokens.ts';
import { ROOT } from '../helpers/cli.ts';
import { testSettings } from '../helpers/factories.ts';

const KEY = 'a-test-signing-key-of-at-least-32-bytes';
const templates: TemplateSource = { load: async (name) => readFileSync(join(ROOT, 'templates', name), 'utf8') };

let n = 0;
function article(fields: Partial<Article> = {}): Article {
  n++;
  const date = fields.date ?? new Date(Date.UTC(2024, 10, 20, 9, 0));
  return {
    id: `tag:gazette.example.org,2024-11-20:a-${n}`,
    slug: `a-${n}`,
    title: `Article ${n}`,
    date,
    updated: date,
    author: 'Jane Doe',
    summary: `Summary of article ${n}.`,
    tags: [],
    image: undefined,
    html: `<p>Body of article ${n}.</p>`,
    url: `https://gazette.example.org/news/articles/a-${n}.html`,
    source: `articles/a-${n}.md`,
    draft: false,
    ...fields,
  };
}

function words(count: number, seed: number): string {
  return Array.from({ length: count }, (_, i) => `word${(i * 7 + seed) % 997}`).join(' ');
}

async function render(articles: Article[], settings: Settings = testSettings(), issueId = '2024-11-25T0700Z'): Promise<IssueContent> {
  const template = await loadEmailTemplate(templates, 'digest.mjml');
  return renderDigest({ settings, issueId, articles, scheduledTime: issueTime(issueId)!, template });
}

const at = (iso: string) => new Date(iso);

describe('choosing the articles of an issue', () => {
  const articles = [
    article({ slug: 'old', date: at('2024-11-10T00:00:00Z') }),
    article({ slug: 'on-watermark', date: at('2024-11-18T07:00:00Z') }),
    article({ slug: 'mid', date: at('2024-11-20T09:00:00Z') }),
    article({ slug: 'at-send', date: at('2024-11-25T07:00:00Z') }),
    article({ slug: 'after-send', date: at('2024-11-25T07:00:01Z') }),
    article({ slug: 'draft', date: at('2024-11-21T00:00:00Z'), draft: true }),
  ];
  const scheduledFor = at('2024-11-25T07:00:00Z');
  const later = at('2026-01-01T00:00:00Z');
  const window = (watermark: Date | undefined, lookbackDays = 7, now = later) => issueWindow({ watermark, scheduledFor, lookbackDays, now });

  it('takes what came after the watermark and at or before the scheduled time, newest first', () => {
    const chosen = selectIssueArticles(articles, window(at('2024-11-18T07:00:00Z')), 10);
    expect(chosen.map((a) => a.slug)).toEqual(['at-send', 'mid']);
  });

  it('reaches back the look-back days before the first issue', () => {
    expect(selectIssueArticles(articles, window(undefined), 10).map((a) => a.slug)).toEqual(['at-send', 'mid']);
    expect(selectIssueArticles(articles, window(undefined, 30), 10).map((a) => a.slug)).toEqual(['at-send', 'mid', 'on-watermark', 'old']);
  });

  it('keeps at most maxArticles, the newest, and finds nothing when nothing is new', () => {
    expect(selectIssueArticles(articles, window(undefined, 30), 1).map((a) => a.slug)).toEqual(['at-send']);
    expect(selectIssueArticles(articles, window(scheduledFor), 10)).toEqual([]);
  });

  it('never reaches past now, whatever time the issue is scheduled for', () => {
    const early = window(undefined, 30, at('2024-11-20T12:00:00Z'));
    expect(early.end.toISOString()).toBe('2024-11-20T12:00:00.000Z');
    expect(selectIssueArticles(articles, early, 10).map((a) => a.slug)).toEqual(['mid', 'on-watermark', 'old']);
  });

  it('names an issue by its scheduled time in UTC, and reads the name back', () => {
    expect(issueIdFor(at('2024-11-24T22:00:00Z'))).toBe('2024-11-24T2200Z');
    expect(issueTime('2024-11-24T2200Z')?.toISOString()).toBe('2024-11-24T22:00:00.000Z');
    expect(issueTime('2024-13-24T2200Z')).toBeUndefined();
    expect(issueTime('../../etc')).toBeUndefined();
  });

  it('finds the scheduled time a send belongs to, in the schedule\'s time zone', () => {
    // Monday 07:00 in Seoul is Sunday 22:00 UTC.
    const schedule = new IssueSchedule({ cron: '0 7 * * 1', timezone: 'Asia/Seoul' });
    expect(schedule.latestAtOrBefore(at('2024-11-21T00:00:00Z'))?.toISOString()).toBe('2024-11-17T22:00:00.000Z');
    expect(schedule.latestAtOrBefore(at('2024-11-24T22:00:00Z'))?.toISOString()).toBe('2024-11-24T22:00:00.000Z');
    expect(schedule.latestAtOrBefore(at('2024-11-24T21:59:59Z'))?.toISOString()).toBe('2024-11-17T22:00:00.000Z');
    expect(schedule.atOrAfter(at('2024-11-21T00:00:00Z'))?.toISOString()).toBe('2024-11-24T22:00:00.000Z');
  });

  it('previews the issue a send would carry, and otherwise the issue of the newest article, never past now', () => {
    const settings = testSettings({ digest: { ...testSettings().digest, schedule: { cron: '0 7 * * 1', timezone: 'Asia/Seoul' } } });
    const list = [article({ slug: 'w2', date: at('2024-11-20T00:00:00Z') }), article({ slug: 'next', date: at('2024-11-26T00:00:00Z') })];
    const due = issueDueAt(list, settings.digest, at('2024-11-25T00:00:00Z'), later)!;
    expect([due.id, due.latestInstead, due.articles.map((a) => a.slug)]).toEqual(['2024-11-24T2200Z', false, ['w2']]);
    // Only a Tuesday article, on Wednesday: Sunday's issue had nothing, so the next issue, as far as it goes.
    const midweek = issueDueAt(list.slice(1), settings.digest, at('2024-11-27T00:00:00Z'), at('2024-11-27T00:00:00Z'))!;
    expect([midweek.id, midweek.latestInstead, midweek.articles.map((a) => a.slug)]).toEqual(['2024-12-01T2200Z', true, ['next']]);
    expect(midweek.window.end.toISOString()).toBe('2024-11-27T00:00:00.000Z');
    expect(issueDueAt(list, settings.digest, at('2024-11-19T00:00:00Z'), at('2024-11-19T00:00:00Z'))).toBeUndefined();
  });
});

describe('rendering the digest', () => {
  it('renders subject, preheader, a card per article and the footer the law asks for', async () => {
    const settings = testSettings();
    const list = [article({ title: 'Lead story', summary: 'The lead in brief.' }), article({ title: 'Second' }), article({ title: 'Third' })];
    const digest = await render(list, settings);
    expect(digest.subject).toBe('Lead story + 2 more');
    expect(digest.preheader).toBe('The lead in brief.');
    expect(digest.cards).toBe(3);
    const { html, text } = personaliseDigest(digest, { email: 'reader@example.org', unsubscribeUrl: 'https://gazette.example.org/api/unsubscribe?token=t.k' });
    expect(html).toMatch(/^<!doctype html>\s*<html lang="en-GB"/);
    for (const a of list) {
      expect(html).toContain(`<a href="${a.url}" style="color:#1f2328;text-decoration:none;">${a.title}</a>`);
      expect(text).toContain(`Read more: ${a.url}`);
    }
    expect(html).toContain('class="preheader"');
    expect(html).toContain('1 Test Lane, Testville, TS1 1TT, United Kingdom');
    expect(html).toContain('<a href="https://gazette.example.org/api/unsubscribe?token=t.k"');
    expect(html).toContain('href="https://gazette.example.org/news/issues/2024-11-25T0700Z.html"');
    expect(html).toContain('reader@example.org subscribed to the email digest of The Test Gazette.');
    expect(text).toContain('Unsubscribe: https://gazette.example.org/api/unsubscribe?token=t.k');
    expect(text.replace(/\s+/g, ' ')).toContain('reader@example.org subscribed to the email digest of The Test Gazette.');
    expect(text).toContain('View this issue in your browser: https://gazette.example.org/news/issues/2024-11-25T0700Z.html');
  });

  it('shows a title with <b> and & as text, in the HTML, the text part and the subject', async () => {
    const digest = await render([article({ title: 'Tom & Jerry <b>bold</b> "quoted"', summary: 'x < y & z' })]);
    expect(digest.subject).toBe('Tom & Jerry <b>bold</b> "quoted"');
    expect(digest.html).toContain('Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;');
    expect(digest.html).not.toContain('<b>bold</b>');
    expect(digest.html).toContain('x &lt; y &amp; z');
    expect(digest.text).toContain('1. Tom & Jerry <b>bold</b> "quoted"');
  });

  it('never takes a placeholder written in an article for the recipient\'s value', async () => {
    const digest = await render([article({ title: 'Say %%recipient_email%% to %%name%%', summary: 'Go to %%unsubscribe_url%% or %%preferences_url%% now' })]);
    const { html, text } = personaliseDigest(digest, { email: 'reader@example.org', unsubscribeUrl: 'https://u.example.org/x', preferencesUrl: 'https://p.example.org/y', name: 'Ana' });
    expect(html.match(/https:\/\/p\.example\.org\/y/g)).toHaveLength(1);
    expect(html.match(/Hi Ana,/g)).toHaveLength(1);
    expect(html).not.toContain('to Ana');
    expect(html.match(/reader@example\.org/g)).toHaveLength(1);
    expect(text.match(/reader@example\.org/g)).toHaveLength(1);
    expect(html.match(/https:\/\/u\.example\.org\/x/g)).toHaveLength(1);
    expect(text).toContain('Say %\u200b%recipient_email%\u200b%');
  });

  it('writes a plain-text part with no HTML left in it, links listed, lines wrapped', async () => {
    const settings = testSettings({ digest: { ...testSettings().digest, mode: 'full' } });
    const html = '<h2>Sub &amp; heading</h2><p>Para with <a href="https://example.org/x">a link</a> and <em>emphasis</em>.</p><ul><li>one</li></ul><img src="https://example.org/i.png" alt="pic">';
    const digest = await render([article({ html, summary: 'short' })], settings);
    expect(digest.mode).toBe('full');
    expect(digest.text).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(digest.text).not.toMatch(/&(amp|lt|gt|quot);/);
    expect(digest.text).toContain('Sub & heading');
    expect(digest.text).toContain('a link [https://example.org/x]');
    for (const line of digest.text.split('\n')) if (!/https?:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(72);
  });

  it('gives every image an alt and no fixed width, so none overflows a phone screen', async () => {
    const settings = testSettings({ digest: { ...testSettings().digest, mode: 'full' } });
    const digest = await render([article({ html: '<p><img src="https://example.org/wide.png" width="1600" height="900"></p>' })], settings);
    const images = digest.html.match(/<img\b[^>]*>/g) ?? [];
    expect(images.length).toBeGreaterThan(0);
    for (const img of images) {
      expect(img).toMatch(/\salt(=|\s|>)/);
      expect(img).not.toMatch(/width="1600"/);
    }
    expect(digest.html).toContain('max-width:100%');
  });

  it('styles the headings inside full articles inline, below the card title', async () => {
    const settings = testSettings({ digest: { ...testSettings().digest, mode: 'full' } });
    const digest = await render([article({ html: '<h2>Inside</h2><p>x</p>' })], settings);
    expect(digest.html).toMatch(/<h2 style="[^"]*font-size: 19px[^"]*">Inside<\/h2>/);
  });

  it('keeps ten 5,000-word articles under Gmail\'s 102 KB clip by falling back to summaries', async () => {
    const settings = testSettings({ digest: { ...testSettings().digest, mode: 'full' } });
    const list = Array.from({ length: 10 }, (_, i) => article({ html: `<p>${words(5000, i)}</p>`, summary: words(50, i) }));
    const digest = await render(list, settings);
    const { html } = personaliseDigest(digest, { email: `${'x'.repeat(64)}@${'d'.repeat(60)}.example.org`, unsubscribeUrl: `https://gazette.example.org/api/unsubscribe?token=${'t'.repeat(300)}` });
    expect(Buffer.byteLength(html)).toBeLessThan(102 * 1000);
    expect(digest.mode).toBe('summary');
    expect(digest.cards).toBe(10);
  });

  it('shows fewer cards with a link to the archive when even summaries would be clipped', async () => {
    const settings = testSettings({ digest: { ...testSettings().digest, maxArticles: 100 } });
    const list = Array.from({ length: 100 }, (_, i) => article({ summary: words(60, i) }));
    const digest = await render(list, settings);
    expect(Buffer.byteLength(digest.html)).toBeLessThanOrEqual(100_000);
    expect(digest.cards).toBeLessThan(100);
    expect(digest.cards).toBeGreaterThan(10);
    expect(digest.articles).toHaveLength(100);
    const hidden = 100 - digest.cards;
    expect(digest.html).toContain(`${hidden} more articles are in this issue.`);
    expect(digest.text).toContain(`${hidden} more articles are in this issue. Read the whole issue: https://gazette.example.org/news/issues/2024-11-25T0700Z.html`);
  });

  it('names the template and the problem when a designer breaks the MJML', async () => {
    const broken: TemplateSource = { load: async () => '<mjml><mj-body><mj-bogus /></mj-body></mjml>' };
    const template = await loadEmailTemplate(broken, 'digest.mjml');
    await expect(renderDigest({ settings: testSettings(), issueId: 'x', articles: [article()], scheduledTime: new Date(), template })).rejects.toThrowError(
      /templates\/digest\.mjml: .*mj-bogus/,
    );
  });
});

describe('the message each subscriber gets', () => {
  const email = 'Reader.One@example.org';
  const sub = subscriberId(email);

  async function message(settings: Settings, articles: Article[]) {
    const digest = await render(articles, settings);
    const token = createToken({ purpose: 'unsubscribe', subscriber: sub, list: settings.digest.listId }, KEY);
    const raw = compileDigestMessage(digest, settings, { issueId: '2024-11-25T0700Z' }).forRecipient({ email, subscriberId: sub, unsubscribeToken: token, date: at('2024-11-25T07:00:05Z') });
    return { raw, parsed: await simpleParser(raw), token, digest };
  }

  it('carries every header once, text then HTML, and RFC 8058 one-click unsubscribe', async () => {
    const settings = testSettings();
    const { raw, parsed, token } = await message(settings, [article({ title: 'Lead' }), article()]);
    const once = (name: string) => parsed.headerLines.filter((h) => h.key === name).map((h) => h.line.replace(/\r\n /g, ' '));
    expect(once('from')).toEqual(['From: The Test Gazette <digest@gazette.example.org>']);
    expect(once('reply-to')).toEqual(['Reply-To: editors@gazette.example.org']);
    expect(once('to')).toEqual([`To: ${email}`]);
    expect(once('subject')).toEqual(['Subject: Lead + 1 more']);
    expect(once('date')).toEqual(['Date: Mon, 25 Nov 2024 07:00:05 +0000']);
    expect(once('message-id')).toEqual([`Message-ID: <2024-11-25T0700Z.${sub}@gazette.example.org>`]);
    expect(once('mime-version')).toEqual(['MIME-Version: 1.0']);
    expect(once('list-id')).toEqual(['List-Id: The Test Gazette <digest.gazette.example.org>']);
    expect(once('list-unsubscribe')).toEqual([
      `List-Unsubscribe: <https://gazette.example.org/api/unsubscribe?token=${token}>, <mailto:unsubscribe@gazette.example.org?subject=unsubscribe>`,
    ]);
    expect(once('list-unsubscribe-post')).toEqual(['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);
    const body = raw.toString('utf8');
    expect(body.indexOf('Content-Type: text/plain; charset=utf-8')).toBeLessThan(body.indexOf('Content-Type: text/html; charset=utf-8'));
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(parsed.text).toContain(`Unsubscribe: https://gazette.example.org/api/unsubscribe?token=${token}`);
    expect(parsed.html).toContain(`<a href="https://gazette.example.org/api/unsubscribe?token=${token}"`);
    expect(parsed.html).not.toContain('%%');
    expect(parsed.text).not.toContain('%%');
  });

  it('carries an unsubscribe token that verifies for this subscriber and list and no other', async () => {
    const settings = testSettings();
    const { parsed } = await message(settings, [article()]);
    const header = parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line.replace(/\r\n /g, ' ');
    const url = new URL(/<(https:[^>]+)>/.exec(header)![1]!);
    expect(url.origin + url.pathname).toBe('https://gazette.example.org/api/unsubscribe');
    const token = url.searchParams.get('token');
    const check = verifyToken(token, { purpose: 'unsubscribe', list: settings.digest.listId }, KEY, Date.now());
    expect(check).toEqual({ ok: true, claims: { purpose: 'unsubscribe', subscriber: sub, list: 'digest.gazette.example.org' } });
    expect(verifyToken(token, { purpose: 'unsubscribe', list: 'other.example.org' }, KEY, Date.now())).toMatchObject({ ok: false, reason: 'wrong-list' });
    expect(verifyToken(token, { purpose: 'unsubscribe', list: settings.digest.listId }, `${KEY}-other`, Date.now())).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(parsed.text).not.toContain(KEY);
  });

  it('lets no CR/LF in a title or setting inject a header', async () => {
    const settings = testSettings({ title: 'Gazette\r\nBcc: all@example.org' });
    const { parsed } = await message(settings, [article({ title: 'Breaking\r\nX-Injected: 1\r\n\r\n<script>' })]);
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.has('x-injected')).toBe(false);
    expect(parsed.subject).toBe('Breaking X-Injected: 1 <script>');
    expect(parsed.headerLines.filter((h) => h.key === 'list-id')).toHaveLength(1);
  });

  it('refuses a token or subscriber id that is not one', async () => {
    const settings = testSettings();
    const digest = await render([article()], settings);
    const compiled = compileDigestMessage(digest, settings, { issueId: '2024-11-25T0700Z' });
    expect(() => compiled.forRecipient({ email, subscriberId: sub, unsubscribeToken: 'x>\r\nBcc: a@b.c' })).toThrow(RangeError);
    expect(() => compiled.forRecipient({ email, subscriberId: 'a b', unsubscribeToken: 'a.b' })).toThrow(RangeError);
  });
});
