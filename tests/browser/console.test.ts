/// <reference lib="dom" />
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueIdFor } from '../../functions/core/issue/id.ts';
import { IssueSchedule } from '../../functions/core/issue/schedule.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { sendIssue } from '../../functions/local/send.ts';
import { startServer, type RunningServer } from '../../functions/local/server.ts';
import { browserAvailable, launchChromium } from '../helpers/browser.ts';
import { tempTree } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { memoryLogger } from '../helpers/memory.ts';
import { seededSubscriber, seedSubscribers } from '../helpers/seed.ts';

// The operator console in Chromium against the local server (`npm start`'s code path), over a list of
// a couple of thousand confirmed subscribers written straight into the store.
const READERS = 2000;

// The schedule is Mondays 07:00 UTC: one article for last week's issue, one for this week's.
const schedule = new IssueSchedule({ cron: '0 7 * * 1', timezone: 'UTC' });
const thisWeek = schedule.latestAtOrBefore(new Date())!;
const lastWeek = schedule.before(thisWeek)!;
const hoursBefore = (t: Date, h: number) => new Date(t.getTime() - h * 3_600_000).toISOString();

describe.skipIf(!browserAvailable())('the operator console, in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const project = tempTree({
      'content/publication.yaml': settingsYaml(),
      'content/articles/last-week.md': articleText({ title: 'Budget talks open', date: hoursBefore(lastWeek, 5) }),
      'content/articles/this-week.md': articleText({ title: 'Budget passes', date: hoursBefore(thisWeek, 5) }),
    });
    server = await startServer({ port: 0, contentDir: join(project, 'content'), dataDir: join(project, '.data'), log: memoryLogger(), logRequests: false, schedule: false });
    const at = new Date(hoursBefore(lastWeek, 48));
    const readers = [...Array.from({ length: READERS }, (_, i) => `reader${i}@example.com`), 'ann@example.com', 'bob@example.com'];
    await seedSubscribers(server, readers.map((email) => seededSubscriber(email, at)));
    // A real local send of last week's issue, as `newsletter send --at` runs it.
    const sent = await sendIssue(server.system, lastWeek);
    expect(sent).toMatchObject({ kind: 'sent', progress: { sent: READERS + 2 } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${server.url}admin/#secret=${server.adminToken}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const figure = (list: string, label: string) => page.locator(`${list} div:has(dt:text-is("${label}")) dd`).first().textContent();
  const outboxOf = async (issueId: string) => {
    const entries = (await server.system.outbox!.list()).filter((e) => e.tags.issue === issueId);
    return entries.map((e) => e.to);
  };

  it('the overview after a real local send shows the right counts', async () => {
    await expect.poll(() => figure('#counts', 'confirmed')).toBe((READERS + 2).toLocaleString('en-US'));
    expect(await figure('#counts', 'unsubscribed')).toBe('0');
    expect(await page.textContent('#sending')).toContain(`Last sent ${issueIdFor(lastWeek)}`);
    expect(await page.textContent('#progress-text')).toContain(`${(READERS + 2).toLocaleString('en-US')} of ${(READERS + 2).toLocaleString('en-US')} (100%) · sent ${(READERS + 2).toLocaleString('en-US')} · skipped 0 · failed 0`);
    expect(await page.textContent('#rates')).toContain('Bounce rate: 0%');
    // Everyone was confirmed two days before last week's issue.
    expect(await page.locator('#growth tr').count()).toBe(12);
    await page.click('nav a[data-view=issues]');
    const item = page.locator('#issues > li').first();
    await expect.poll(() => item.locator('h2').textContent()).toBe('Budget talks open');
    // Its archive page (locally, on this server: the links follow where the site is served).
    expect(await item.locator('h2 a').getAttribute('href')).toBe(`${server.url}issues/${issueIdFor(lastWeek)}.html`);
    expect(await figure('#issues > li:first-child dl', 'Planned')).toBe((READERS + 2).toLocaleString('en-US'));
    expect(await figure('#issues > li:first-child dl', 'Sent')).toBe((READERS + 2).toLocaleString('en-US'));
    // Opens and clicks are not tracked by default: the console shows no such figures.
    expect(await item.locator('dt:text-is("Opened")').count()).toBe(0);
  });

  it('a test send lands in the outbox with a marked subject, by keyboard alone, and changes no figure', async () => {
    const before = (await server.system.stores.issues.listIssues(server.system.settings.digest.listId, { limit: 5 })).issues;
    const outboxBefore = await server.system.outbox!.ids();
    await page.goto(`${server.url}admin/#overview`);
    await page.locator('body').focus();
    // From the top: the skip link, then the console's links, each with a visible focus ring.
    for (let i = 0; i < 8 && (await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.view)) !== 'send'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.view)).toBe('send');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#due')).toContain(`Issue due now: ${issueIdFor(thisWeek)} · ready to send`);
    await page.keyboard.press('Tab');
    // Focus moved to the view's heading; the next stops are the articles' links, then the test address.
    for (let i = 0; i < 5 && (await page.evaluate(() => document.activeElement?.id)) !== 'test-to'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('test-to');
    await page.keyboard.type('desk@gazette.example.org');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#status')).toContain('A test of issue');
    const added = (await server.system.outbox!.ids()).filter((id) => !outboxBefore.includes(id));
    expect(added).toHaveLength(1);
    const mail = await simpleParser((await server.system.outbox!.read(added[0]!))!);
    expect(mail.subject).toBe('[Test] Budget passes');
    expect(mail.to).toMatchObject({ text: 'desk@gazette.example.org' });
    expect((await server.system.stores.issues.listIssues(server.system.settings.digest.listId, { limit: 5 })).issues).toEqual(before);
    expect(await server.system.stores.issues.getIssue(issueIdFor(thisWeek))).toBeUndefined();
  });

  it('search finds a subscriber and shows their history; unsubscribing them from the console stops the next digest', async () => {
    await page.click('nav a[data-view=subscribers]');
    await page.fill('#search-email', 'Bob@Example.com');
    await page.click('#search button[type=submit]');
    await expect.poll(() => page.textContent('#subscriber-title')).toBe('bob@example.com');
    expect(await page.textContent('#subscriber-events')).toContain('added · from import');
    expect(await page.textContent('#subscriber-deliveries')).toContain('Budget talks open · sent');
    await page.click('#act-unsubscribe');
    await expect.poll(() => page.textContent('#status')).toContain('bob@example.com is unsubscribed');
    await expect.poll(() => figure('#subscriber-facts', 'state')).toBe('unsubscribed');
    expect(await page.textContent('#subscriber-events')).toContain('unsubscribed · from console');
    expect((await server.system.stores.subscribers.get(subscriberId('bob@example.com')))?.state).toBe('unsubscribed');
  });

  it('send now, after its confirmation, moves the progress bar and mails everyone but the one who left', async () => {
    await page.click('nav a[data-view=send]');
    await expect.poll(() => page.getAttribute('#view-send', 'aria-busy')).toBe(null);
    expect(await page.textContent('#due')).toContain('ready to send');
    await page.click('#send-now');
    expect(await page.textContent('#confirm-text')).toBe(`Send issue ${issueIdFor(thisWeek)} (“Budget passes”) to ${(READERS + 1).toLocaleString('en-US')} confirmed subscriber(s) now?`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm-yes');
    await page.click('#confirm-yes');
    const issueId = issueIdFor(thisWeek);
    // The overview polls the issue record while it sends: the bar moves, then the issue is the last sent.
    const seen: number[] = [];
    await expect.poll(async () => {
      const [text, value] = await page.evaluate(() => [document.getElementById('sending')?.textContent ?? '', document.getElementById('send-progress')?.getAttribute('value')]);
      const ours = text.includes(`Sending ${issueId}`) || text.includes(`Last sent ${issueId}`);
      if (ours && value !== null && Number(value) !== seen.at(-1)) seen.push(Number(value));
      return text;
    }, { timeout: 60_000, interval: 250 }).toContain(`Last sent ${issueIdFor(thisWeek)}`);
    const during = seen.filter((v) => v > 0 && v < READERS + 1);
    expect(during.length, `progress seen: ${seen.join(', ')}`).toBeGreaterThan(0);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBe(READERS + 1);
    const recipients = await outboxOf(issueIdFor(thisWeek));
    expect(recipients).toHaveLength(READERS + 1);
    expect(recipients).toContain('ann@example.com');
    expect(recipients).not.toContain('bob@example.com');
    await expect.poll(() => figure('#counts', 'unsubscribed')).toBe('1');
  }, 90_000);

  it('has no horizontal scroll at 375 px, in any view', async () => {
    const narrow = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await narrow.goto(`${server.url}admin/#secret=${server.adminToken}`);
    // Signed in once the script has taken the secret out of the address (a new page has its own session).
    await expect.poll(() => narrow.evaluate(() => location.hash)).toBe('#overview');
    for (const view of ['overview', 'issues', 'subscribers', 'send']) {
      if (view !== 'overview') await narrow.goto(`${server.url}admin/#${view}`);
      await expect.poll(() => narrow.evaluate((name) => `${location.hash} ${!document.getElementById(`view-${name}`)!.hidden} ${document.getElementById(`view-${name}`)!.getAttribute('aria-busy')}`, view), { message: view }).toBe(`#${view} true null`);
      if (view === 'subscribers') {
        await narrow.fill('#search-email', 'bob@example.com');
        await narrow.click('#search button[type=submit]');
        await expect.poll(() => narrow.textContent('#subscriber-title')).toBe('bob@example.com');
      }
      const { scrollWidth, innerWidth } = await narrow.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, view).toBeLessThanOrEqual(innerWidth);
    }
    await narrow.close();
  }, 60_000);
});
