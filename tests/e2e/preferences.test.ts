/// <reference lib="dom" />
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleText } from '../helpers/factories.ts';
import { browserAvailable, launchChromium } from '../helpers/browser.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

// The sample publication (a weekly digest of everything, a military briefing on Thursdays) served by
// `npm start`; the reader changes their choices on the preferences page in Chromium, and the next
// issues follow them.
describe.skipIf(!browserAvailable())('the preferences page, in a real browser', () => {
  let browser: Browser;
  let server: ServerProcess;
  let cwd: string;

  beforeAll(async () => {
    cwd = tempDir('newsletter-prefs-');
    cpSync(join(ROOT, 'content'), join(cwd, 'content'), { recursive: true });
    server = await startServerProcess(cwd);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    expect(await server?.stop()).toBe(0);
    expect(server.output.join('\n')).not.toMatch(/token=[A-Za-z0-9]/);
  });

  const mails = async (to: string): Promise<ParsedMail[]> => {
    const dir = join(cwd, '.data/outbox');
    const parsed = await Promise.all(readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => simpleParser(readFileSync(join(dir, f)))));
    return parsed.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.value.some((v) => v.address === to)));
  };
  const send = (at: string) => {
    const run = runCli(['send', '--at', at], { cwd });
    expect(run.status, run.stderr).toBe(0);
    return run.stdout;
  };

  it('unticks the digest, ticks the military briefing and sets a name: the next issues follow', async () => {
    const api = new URL('api/subscribe', server.url).toString();
    const res = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ email: 'ann@example.com' }) });
    expect(res.status).toBe(202);
    const confirm = /http:\/\/\S+\/api\/confirm\?token=[A-Za-z0-9._%-]+/.exec((await mails('ann@example.com')).at(-1)!.text!)![0];
    const page = await browser.newPage({ viewport: { width: 375, height: 900 } });
    await page.goto(confirm);
    await expect.poll(() => page.textContent('main')).toContain('North Korea Watch weekly');
    await page.click('button:has-text("Confirm my subscription")');
    await expect.poll(() => page.textContent('h1')).toBe('You are subscribed');

    // The defaults: the weekly digest only. Its issue carries the sample article and a preferences link.
    expect(send('2024-11-25T00:00:00Z')).toContain('digest: issue 2024-11-24T2200Z: sent 1');
    const digest = (await mails('ann@example.com')).find((m) => m.subject?.startsWith('North Korean troops'))!;
    expect(digest.text).toContain('Hi there,');
    const preferences = /Preferences: (\S+)/.exec(digest.text!)![1]!;

    await page.goto(preferences);
    await expect.poll(() => page.textContent('h1')).toBe('Your preferences');
    expect(await page.isChecked('#newsletter-digest')).toBe(true);
    expect(await page.isChecked('#newsletter-military')).toBe(false);
    // Usable at 375 px: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.uncheck('#newsletter-digest');
    await page.check('#newsletter-military');
    await page.fill('#name', 'Ann');
    await page.click('button:has-text("Save")');
    await expect.poll(() => page.textContent('.notice')).toContain('Saved');
    expect(await page.isChecked('#newsletter-military')).toBe(true);
    expect(await page.inputValue('#name')).toBe('Ann');
    await page.close();

    // A military article: the digest (which carries everything) no longer goes to Ann; the briefing does.
    writeFileSync(join(cwd, 'content/articles/drills.md'), articleText({ title: 'Artillery drills near the border', date: '2024-11-26T10:00:00Z', tags: ['military'] }));
    const out = send('2024-12-02T00:00:00Z');
    expect(out).toContain('digest: issue 2024-12-01T2200Z: sent 0');
    expect(out).toContain('military: issue military-2024-11-28T0900Z: sent 1');
    const briefing = (await mails('ann@example.com')).filter((m) => m.subject?.startsWith('Military briefing'));
    expect(briefing.map((m) => m.subject)).toEqual(['Military briefing: Artillery drills near the border']);
    expect(briefing[0]!.text).toContain('Hi Ann,');
    expect(briefing[0]!.headerLines.find((h) => h.key === 'list-id')?.line).toBe('List-Id: Military briefing <military.news.example.com>');
    expect((await mails('ann@example.com')).filter((m) => m.subject?.startsWith('Artillery'))).toEqual([]);
  }, 120_000);

  it('"Unsubscribe from everything" on the page: no newsletter follows, and the page says how to come back', async () => {
    const api = new URL('api/subscribe', server.url).toString();
    await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ email: 'bob@example.com', newsletters: ['digest', 'military'] }) });
    const confirm = /http:\/\/\S+\/api\/confirm\?token=[A-Za-z0-9._%-]+/.exec((await mails('bob@example.com')).at(-1)!.text!)![0];
    const page = await browser.newPage();
    await page.goto(confirm);
    await page.click('button:has-text("Confirm my subscription")');
    const welcome = (await mails('bob@example.com')).find((m) => m.subject?.startsWith('Welcome'))!;
    const preferences = welcome.html ? /href="(http:\/\/[^"]+\/api\/preferences\?token=[^"]+)"/.exec(welcome.html)![1]!.replaceAll('&amp;', '&') : '';
    await page.goto(preferences);
    await page.click('button:has-text("Unsubscribe from everything")');
    await expect.poll(() => page.textContent('.notice')).toContain('unsubscribed from everything');
    await expect.poll(() => page.textContent('main')).toContain('To subscribe again, use the subscribe form');
    await page.close();
  }, 120_000);
});
