// `npx tsx tests/browser/screenshots.ts [DIR]`: the console's overview after a local send to a few
// thousand subscribers, photographed in Chromium at 1280 and 375 px into DIR (docs/ by default), with
// the figures the console showed printed. Not a test: it writes into the repository.
/// <reference lib="dom" />
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { IssueSchedule } from '../../functions/core/issue/schedule.ts';
import { sendIssue } from '../../functions/local/send.ts';
import { startServer } from '../../functions/local/server.ts';
import { CHROMIUM, browserAvailable, launchChromium } from '../helpers/browser.ts';
import { removeTempDirs, tempTree } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { memoryLogger } from '../helpers/memory.ts';
import { seededSubscriber, seedSubscribers } from '../helpers/seed.ts';

const out = process.argv[2] ?? join(import.meta.dirname, '../../docs');
const CONFIRMED = 3_000;
const WEEK = 7 * 86_400_000;

const schedule = new IssueSchedule({ cron: '0 7 * * 1', timezone: 'UTC' });
const thisWeek = schedule.latestAtOrBefore(new Date())!;
const before = (t: Date, ms: number) => new Date(t.getTime() - ms);

/** Twelve weeks of a list that grows a little faster each week, with some who left, some who never confirmed, some who bounced. */
function readers() {
  const start = before(thisWeek, 12 * WEEK);
  const at = (i: number, n: number) => new Date(start.getTime() + Math.sqrt((i + 0.5) / n) * 12 * WEEK - 3_600_000);
  const confirmed = Array.from({ length: CONFIRMED }, (_, i) => seededSubscriber(`reader${i}@example.com`, at(i, CONFIRMED)));
  const left = Array.from({ length: 96 }, (_, i) => {
    const joined = at(i * 30, CONFIRMED);
    const unsubscribedAt = new Date(joined.getTime() + (i % 5) * WEEK);
    return seededSubscriber(`left${i}@example.com`, joined, { state: 'unsubscribed', unsubscribedAt: unsubscribedAt < thisWeek ? unsubscribedAt : joined, history: [{ at: joined, type: 'added', source: 'import' }, { at: unsubscribedAt, type: 'unsubscribed', source: 'one-click' }] });
  });
  const pending = Array.from({ length: 27 }, (_, i) => seededSubscriber(`new${i}@example.com`, before(thisWeek, i * 3_600_000), { state: 'pending', confirmedAt: undefined, history: [{ at: before(thisWeek, i * 3_600_000), type: 'subscribe-requested', source: 'form' }] }));
  const suppressed = Array.from({ length: 9 }, (_, i) => {
    const joined = at(i * 200, CONFIRMED);
    const suppressedAt = new Date(joined.getTime() + WEEK);
    return seededSubscriber(`gone${i}@example.com`, joined, { state: 'suppressed', suppressedAt, suppressedReason: 'permanent bounce', history: [{ at: joined, type: 'added', source: 'import' }, { at: suppressedAt, type: 'suppressed', source: 'bounce' }] });
  });
  return [...confirmed, ...left, ...pending, ...suppressed];
}

async function visible(page: Page, view: string): Promise<void> {
  await page.waitForFunction((name) => { const el = document.getElementById(`view-${name}`); return el && !el.hidden && !el.hasAttribute('aria-busy'); }, view);
}

async function main() {
  if (!browserAvailable()) throw new Error(`no Chromium at ${CHROMIUM}`);
  const project = tempTree({
    'content/publication.yaml': settingsYaml(),
    'content/articles/a.md': articleText({ title: 'Budget passes after a night of talks', date: before(thisWeek, 30 * 3_600_000).toISOString() }),
    'content/articles/b.md': articleText({ title: 'The harbour reopens', date: before(thisWeek, 50 * 3_600_000).toISOString() }),
    'content/articles/c.md': articleText({ title: 'Schools plan a longer summer', date: before(thisWeek, 80 * 3_600_000).toISOString() }),
  });
  const server = await startServer({ port: 0, contentDir: join(project, 'content'), dataDir: join(project, '.data'), log: memoryLogger(), logRequests: false, schedule: false });
  const browser = await launchChromium();
  try {
    await seedSubscribers(server, readers());
    const sent = await sendIssue(server.system, thisWeek);
    console.log('send:', JSON.stringify(sent));
    for (const width of [1280, 375]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(`${server.url}admin/#secret=${server.adminToken}`);
      await visible(page, 'overview');
      await page.waitForFunction(() => document.getElementById('progress-text')?.textContent);
      await page.screenshot({ path: join(out, `console-${width}.png`), fullPage: true });
      console.log(`console-${width}.png written`);
      if (width === 1280) {
        for (const id of ['counts', 'sending', 'next-send', 'rates', 'growth']) {
          const text = await page.evaluate((el) => document.getElementById(el)?.innerText ?? '(none)', id);
          console.log(`#${id}: ${text.replace(/\s*\n\s*/g, ' | ')}`);
        }
        await page.goto(`${server.url}admin/#issues`);
        await visible(page, 'issues');
        console.log(`issue: ${(await page.evaluate(() => (document.querySelector('#issues > li') as HTMLElement | null)?.innerText ?? '')).replace(/\s*\n\s*/g, ' | ')}`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
    removeTempDirs();
  }
}

await main();
