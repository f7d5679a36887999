/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleText } from '../helpers/factories.ts';
import { browserAvailable, launchChromium } from '../helpers/browser.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const SCREENSHOTS = process.env.SCREENSHOT_DIR;

describe.skipIf(!browserAvailable())('in a real browser, against npm start', () => {
  let browser: Browser;
  let server: ServerProcess;
  let cwd: string;

  beforeAll(async () => {
    cwd = tempDir('newsletter-e2e-');
    cpSync(join(ROOT, 'content'), join(cwd, 'content'), { recursive: true });
    server = await startServerProcess(cwd);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    const code = await server?.stop();
    expect(code).toBe(0);
    expect(server.output).toContain('stopped');
    // One line per request, and never a subscriber's token.
    expect(server.output.some((line) => / GET \/api\/confirm\?token=… 200 /.test(line))).toBe(true);
    expect(server.output.some((line) => / POST \/api\/confirm\?token=… 200 /.test(line))).toBe(true);
    expect(server.output.join('\n')).not.toMatch(/token=[A-Za-z0-9]/);
  });

  const open = async (path: string, width = 1000): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(new URL(path, server.url).toString());
    return page;
  };

  async function subscribeAndConfirm(email: string): Promise<void> {
    const form = await open('subscribe');
    await form.fill('#email', email);
    await form.click('button[type=submit]');
    await expect.poll(() => form.textContent('h1')).toBe('Check your inbox');
    await form.close();
    // The confirmation mail is in the outbox: open it and follow its link.
    const outbox = await open('outbox');
    await outbox.click(`li:has-text("${email}") >> a:has-text("Confirm your subscription")`);
    // Mail links open a new tab (target=_blank); follow the link the way the reader's click would.
    await outbox.goto((await outbox.getAttribute('a:has-text("Confirm my subscription")', 'href'))!);
    // The link opens a page with one button (a scanner's GET confirms nothing); pressing it confirms.
    await expect.poll(() => outbox.textContent('h1')).toBe('Confirm your subscription to North Korea Watch');
    await outbox.click('button:has-text("Confirm my subscription")');
    await expect.poll(() => outbox.textContent('h1')).toBe('You are subscribed');
    await outbox.close();
  }

  const send = (at: string) => {
    const run = runCli(['send', '--at', at], { cwd });
    expect(run.stderr).not.toContain('newsletter:');
    expect(run.status).toBe(0);
    return run.stdout;
  };

  it('an invalid address: the page says so and keeps what was typed', async () => {
    const page = await open('subscribe');
    await page.fill('#email', 'someone@localhost');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('.form-error')).toContain('does not look like an email address');
    expect(await page.inputValue('#email')).toBe('someone@localhost');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    await page.close();
  });

  it('subscribe → confirm → send → unsubscribe → the next send skips that address', async () => {
    await subscribeAndConfirm('ann@example.com');
    await subscribeAndConfirm('bob@example.com');

    // The seed article was published 2024-11-20; the issue of the next Monday (07:00 in Seoul, Sunday
    // 22:00 UTC) carries it.
    expect(send('2024-11-25T00:00:00Z')).toContain('issue 2024-11-24T2200Z: sent 2, skipped 0, failed 0');
    const outbox = await open('outbox');
    const seedTitle = 'North Korean troops in Russia were sent without a choice, defector says';
    expect(await outbox.locator(`li:has-text("${seedTitle}")`).count()).toBe(2);
    // Ann opens her digest and unsubscribes: the link shows a page, the button unsubscribes.
    await outbox.click(`li:has-text("ann@example.com") >> a:has-text("${seedTitle}")`);
    expect(await outbox.textContent('body')).toContain(seedTitle);
    await outbox.goto((await outbox.getAttribute('a:has-text("Unsubscribe")', 'href'))!);
    await expect.poll(() => outbox.textContent('h1')).toBe('Unsubscribe from North Korea Watch weekly?');
    await outbox.click('button:has-text("Unsubscribe")');
    await expect.poll(() => outbox.textContent('h1')).toBe('You are unsubscribed');
    await outbox.close();

    // A new article, the next send: only Bob receives it; a repeated send sends nothing.
    mkdirSync(join(cwd, 'content/articles'), { recursive: true });
    writeFileSync(join(cwd, 'content/articles/follow-up.md'), articleText({ title: 'A follow-up report', date: '2024-11-26T09:00:00+09:00' }, 'More reporting.\n'));
    expect(send('2024-12-02T00:00:00Z')).toContain('issue 2024-12-01T2200Z: sent 1, skipped 0, failed 0');
    expect(send('2024-12-02T00:00:00Z')).toContain('sent 0');
    const after = await open('outbox');
    const followUps = after.locator('li:has-text("A follow-up report")');
    expect(await followUps.count()).toBe(1);
    expect(await followUps.first().textContent()).toContain('bob@example.com');
    await after.close();
  }, 180_000);

  it.each([375, 700])('the digest has no horizontal overflow at %i px', async (width) => {
    const list = await open('outbox', width);
    const href = await list.locator('li:has-text("North Korean troops") a').first().getAttribute('href');
    await list.close();
    const page = await open(href!, width);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5).map((el) => el.tagName),
    );
    expect(wide).toEqual([]);
    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `digest-${width}.png`), fullPage: true });
    }
    await page.close();
  });

  it('feeds are served with their types and answer conditional GETs with 304', async () => {
    const feed = await fetch(new URL('feed.xml', server.url));
    expect(feed.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const etag = feed.headers.get('etag')!;
    const lastModified = feed.headers.get('last-modified')!;
    expect((await fetch(new URL('feed.xml', server.url), { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(new URL('feed.xml', server.url), { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    expect((await fetch(new URL('atom.xml', server.url))).headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect((await fetch(new URL('feed.json', server.url))).headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
  });
});
