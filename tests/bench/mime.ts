// Benchmark: building each recipient's raw MIME from one rendered digest (10 articles), on one core,
// each run in its own process. Side by side with nodemailer's MailComposer, a standard per-recipient
// builder, building the same personalised message (the same subject, parts, List-* headers and
// Message-ID; the unsubscribe link and address substituted into the HTML and text first): runs
// alternate, min / median of each. Then our builder at 10,000 and 100,000 recipients for its peak
// memory, and rendering the MJML again per recipient (what "personalise by substitution" saves).
// BENCH_MIME_RUNS (default 5), BENCH_MIME_COUNT (recipients per side-by-side run, default 5,000).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Article } from '../../functions/core/articles/types.ts';
import type { IssueContent } from '../../functions/core/issue/types.ts';
import type { Settings } from '../../functions/core/settings.ts';
import { ROOT } from '../helpers/cli.ts';
import { testSettings } from '../helpers/factories.ts';

const RUNS = Number(process.env.BENCH_MIME_RUNS ?? 5);
const COUNT = Number(process.env.BENCH_MIME_COUNT ?? 5000);
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

type Build = (recipient: { email: string; id: string; token: string }) => Buffer | Promise<Buffer>;

/** One recipient's message, built the way `mode` builds it. */
async function builder(mode: string, settings: Settings, rendered: IssueContent, date: Date): Promise<Build> {
  const { compileDigestMessage } = await import('../../functions/core/digest/message.ts');
  if (mode === 'compiled') {
    const compiled = compileDigestMessage(rendered, settings, { issueId: ISSUE });
    return ({ email, id, token }) => compiled.forRecipient({ email, subscriberId: id, unsubscribeToken: token, date });
  }
  if (mode === 'naive') {
    return async ({ email, id, token }) => compileDigestMessage(await render(settings), settings, { issueId: ISSUE }).forRecipient({ email, subscriberId: id, unsubscribeToken: token, date });
  }
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const { DIGEST_PLACEHOLDERS } = await import('../../functions/core/digest/rendered.ts');
  const { unsubscribeUrl } = await import('../../functions/core/urls.ts');
  const { escapeHtml } = await import('../../functions/core/escape.ts');
  const { digest } = settings;
  const mailto = `mailto:${digest.unsubscribeMailto}?subject=unsubscribe`;
  const fill = (body: string, url: string, email: string) => body.replaceAll(DIGEST_PLACEHOLDERS.unsubscribeUrl, url).replaceAll(DIGEST_PLACEHOLDERS.recipientEmail, email);
  return ({ email, id, token }) => {
    const url = unsubscribeUrl(digest.apiUrl, token);
    return new MailComposer({
      from: digest.from,
      replyTo: digest.replyTo,
      to: email,
      subject: rendered.subject,
      text: fill(rendered.text, url, email),
      html: fill(rendered.html, escapeHtml(url), escapeHtml(email)),
      messageId: `<${ISSUE}.${id}@gazette.example.org>`,
      date,
      headers: {
        'List-Unsubscribe': `<${url}>, <${mailto}>`,
        'List-Id': `${settings.title} <${digest.listId}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Archive': `<${settings.siteUrl}>`,
        Precedence: 'bulk',
      },
    })
      .compile()
      .build();
  };
}

async function child(mode: string, count: number): Promise<void> {
  const { subscriberId } = await import('../../functions/core/subscribers/identity.ts');
  const { createToken } = await import('../../functions/core/tokens.ts');
  const settings = testSettings();
  const rendered = await render(settings);
  const build = await builder(mode, settings, rendered, new Date('2024-11-25T07:00:00Z'));
  // The same recipients for every builder; their ids and tokens are made before the clock starts.
  const recipients = Array.from({ length: Math.min(count, 10_000) }, (_, i) => {
    const email = `reader.${i}@example.org`;
    const id = subscriberId(email);
    return { email, id, token: createToken({ purpose: 'unsubscribe', subscriber: id, list: settings.digest.listId }, KEY) };
  });
  let bytes = 0;
  let check = 0;
  const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const raw = await build(recipients[i % recipients.length]!);
    // Streamed to nowhere: each message is dropped once counted.
    bytes += raw.length;
    check ^= raw[raw.length >> 1]!;
  }
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(JSON.stringify({ seconds, bytes, check, rssBeforeMb, htmlBytes: Buffer.byteLength(rendered.html), maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

interface Run {
  seconds: number;
  bytes: number;
  htmlBytes: number;
  maxRssMb: number;
  rssBeforeMb: number;
}

function run(mode: string, count: number): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', mode, String(count)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} run of ${count} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor((xs.length - 1) / 2)]!;
const rate = (r: Run, count: number) => count / r.seconds;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function parent(): Promise<void> {
  console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}); one core per run; ${RUNS} alternating runs of ${COUNT.toLocaleString('en')} messages each`);
  const ours: Run[] = [];
  const theirs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(run('compiled', COUNT));
    theirs.push(run('nodemailer', COUNT));
  }
  const row = (name: string, runs: Run[]) => {
    const rates = runs.map((r) => rate(r, COUNT));
    console.log(`| ${name} | ${fmt(sorted(rates)[0]!)} | ${fmt(median(rates))} | ${((median(runs.map((r) => r.seconds)) / COUNT) * 1e6).toFixed(0)} µs | ${(runs[0]!.bytes / COUNT / 1000).toFixed(1)} KB |`);
    return median(rates);
  };
  console.log('| builder | messages/s, min | messages/s, median | per message (median) | message size |');
  console.log('|---|---|---|---|---|');
  const a = row('ours: compiled once per issue, completed per recipient', ours);
  const b = row("nodemailer's MailComposer, per recipient", theirs);
  console.log(`ours vs MailComposer: ${(a / b).toFixed(1)}x the messages per second (median against median); the digest's HTML is ${(ours[0]!.htmlBytes / 1000).toFixed(1)} KB`);

  const results = SIZES.map((count) => ({ count, ...run('compiled', count) }));
  for (const r of results) {
    console.log(
      `ours, ${r.count.toLocaleString('en')} recipients: ${r.seconds.toFixed(2)} s, ${fmt(rate(r, r.count))} messages/s, peak RSS ${r.maxRssMb.toFixed(0)} MB (${r.rssBeforeMb.toFixed(0)} MB before the first message)`,
    );
  }
  const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
  console.log(`peak RSS ${large.count.toLocaleString('en')} vs ${small.count.toLocaleString('en')} recipients: ${(large.maxRssMb / small.maxRssMb).toFixed(2)}x for 10x the recipients`);
  const naive = run('naive', NAIVE);
  const naivePerMessage = naive.seconds / NAIVE;
  console.log(
    `MJML rendered again per recipient, ${NAIVE} recipients: ${(naivePerMessage * 1000).toFixed(2)} ms per message, ${fmt(1 / naivePerMessage)} messages/s ` +
      `(100,000 would take ${((naivePerMessage * 100_000) / 60).toFixed(1)} min; ours ${(naivePerMessage * rate(large, large.count)).toFixed(0)}x faster)`,
  );
}

if (process.argv[2] === 'child') await child(process.argv[3]!, Number(process.argv[4]));
else await parent();
