// Benchmark: personalising and building the raw MIME of one rendered digest for 10,000 and 100,000
// recipients (one core, each size in its own process so its peak memory is its own), against the
// naive way: rendering the MJML again for every recipient, measured on a few hundred.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Article } from '../../functions/core/articles/types.ts';
import type { IssueContent } from '../../functions/core/issue/types.ts';
import type { Settings } from '../../functions/core/settings.ts';
import { ROOT } from '../helpers/cli.ts';
import { testSettings } from '../helpers/factories.ts';

const SIZES = [10_000, 100_000];
const NAIVE = 300;
const KEY = 'benchmark-signing-key-of-at-least-32-bytes';
const ISSUE = '2024-11-25T0700Z';

function articles(): Article[] {
  return Array.from({ length: 10 }, (_, i) => {
    const date = new Date(Date.UTC(2024, 10, 24 - i, 9));
    return {
      id: `tag:gazette.example.org,2024-11-20:b-${i}`,
      slug: `b-${i}`,
      title: `Council approves the budget, part ${i} — “quoted” & <escaped>`,
      date,
      updated: date,
      author: 'Jane Doe',
      summary: 'The council discussed the budget late into the night, with amendments on roads, schools and the harbour. '.repeat(3).trim(),
      tags: [],
      image: undefined,
      html: '<p>Body.</p>',
      url: `https://gazette.example.org/news/articles/b-${i}.html`,
      source: `articles/b-${i}.md`,
      draft: false,
    };
  });
}

async function render(settings: Settings): Promise<IssueContent> {
  const { renderDigest } = await import('../../functions/core/digest/render.ts');
  const { loadEmailTemplate } = await import('../../functions/core/digest/templates.ts');
  const template = await loadEmailTemplate({ load: async (name) => readFileSync(join(ROOT, 'templates', name), 'utf8') }, 'digest.mjml');
  return renderDigest({ settings, issueId: ISSUE, articles: articles(), scheduledTime: new Date('2024-11-25T07:00:00Z'), template });
}

async function child(mode: string, count: number): Promise<void> {
  const { compileDigestMessage } = await import('../../functions/core/digest/message.ts');
  const { subscriberId } = await import('../../functions/core/subscribers/identity.ts');
  const { createToken } = await import('../../functions/core/tokens.ts');
  const settings = testSettings();
  let rendered = await render(settings);
  const date = new Date('2024-11-25T07:00:00Z');
  let bytes = 0;
  let check = 0;
  const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
  const start = performance.now();
  let compiled = compileDigestMessage(rendered, settings, { issueId: ISSUE });
  for (let i = 0; i < count; i++) {
    if (mode === 'naive') {
      rendered = await render(settings);
      compiled = compileDigestMessage(rendered, settings, { issueId: ISSUE });
    }
    const email = `reader.${i}@example.org`;
    const id = subscriberId(email);
    const token = createToken({ purpose: 'unsubscribe', subscriber: id, list: settings.digest.listId }, KEY);
    const raw = compiled.forRecipient({ email, subscriberId: id, unsubscribeToken: token, date });
    // Streamed to nowhere: each message is dropped once counted.
    bytes += raw.length;
    check ^= raw[raw.length >> 1]!;
  }
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(JSON.stringify({ seconds, bytes, check, rssBeforeMb, htmlBytes: Buffer.byteLength(rendered.html), maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function run(mode: string, count: number): { seconds: number; bytes: number; htmlBytes: number; maxRssMb: number; rssBeforeMb: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', mode, String(count)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} run of ${count} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function parent(): Promise<void> {
  const results = SIZES.map((count) => {
    const r = run('compiled', count);
    console.log(
      `personalise + raw MIME, ${count.toLocaleString('en')} recipients: ${r.seconds.toFixed(2)} s, ${Math.round(count / r.seconds).toLocaleString('en')} messages/s on one core, ` +
        `${(r.bytes / count / 1000).toFixed(1)} KB per message (HTML ${(r.htmlBytes / 1000).toFixed(1)} KB), peak RSS ${r.maxRssMb.toFixed(0)} MB (${r.rssBeforeMb.toFixed(0)} MB before the first message)`,
    );
    return { count, ...r };
  });
  const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
  console.log(`peak RSS ${large.count.toLocaleString('en')} vs ${small.count.toLocaleString('en')} recipients: ${large.maxRssMb.toFixed(0)} MB vs ${small.maxRssMb.toFixed(0)} MB (${(large.maxRssMb / small.maxRssMb).toFixed(2)}x for 10x the recipients)`);
  const naive = run('naive', NAIVE);
  const naivePerMessage = naive.seconds / NAIVE;
  const compiledPerMessage = large.seconds / large.count;
  console.log(
    `naive (MJML rendered per recipient), ${NAIVE} recipients: ${(naivePerMessage * 1000).toFixed(2)} ms per message, ${Math.round(1 / naivePerMessage).toLocaleString('en')} messages/s; ` +
      `100,000 would take ${(naivePerMessage * 100_000 / 60).toFixed(1)} min`,
  );
  console.log(`compiled vs naive: ${(naivePerMessage / compiledPerMessage).toFixed(0)}x faster per message`);
}

if (process.argv[2] === 'child') await child(process.argv[3]!, Number(process.argv[4]));
else await parent();
