// Benchmark: one issue to 10,000 and 100,000 subscribers through a loopback SES stand-in that enforces
// a maximum send rate R. The stores (dynalite) and the stand-in run in one process, the sender (the
// real plan-issue and deliver handlers, SDK clients, paced SES adapter) in another, so the sender's
// peak memory is its own. Prints the sustained rate as a fraction of R, throttled requests, messages
// lost and duplicated, and peak memory at both sizes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

const SIZES = (process.env.BENCH_SEND_SIZES ?? "10000,100000").split(",").map(Number);
const RATE = Number(process.env.BENCH_SES_RATE ?? 300);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const self = fileURLToPath(import.meta.url);

async function servers(rate: number): Promise<void> {
  const dynalite = (await import('dynalite')).default;
  const { startSesStandIn } = await import('../helpers/ses-standin.ts');
  const db = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => db.listen(0, '127.0.0.1', () => r()));
  const ses = await startSesStandIn({ maxRate: rate, keepRaw: false });
  process.stdout.write(`${JSON.stringify({ dynamo: `http://127.0.0.1:${(db.address() as AddressInfo).port}`, ses: ses.endpoint })}\n`);
}

async function sender(count: number, endpoints: { dynamo: string; ses: string }): Promise<void> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { SESClient } = await import('@aws-sdk/client-ses');
  const { documentClient, ensureTable } = await import('../../functions/adapters/dynamo/table.ts');
  const { subscriberItem } = await import('../../functions/adapters/dynamo/subscribers.ts');
  const { dynamoStores } = await import('../../functions/adapters/dynamo/stores.ts');
  const { FileContentSource } = await import('../../functions/adapters/fs-content.ts');
  const { FileTemplateSource } = await import('../../functions/adapters/fs-templates.ts');
  const { SesMailer } = await import('../../functions/adapters/ses-mailer.ts');
  const { subscriberId } = await import('../../functions/core/subscribers/identity.ts');
  const { loadSettings } = await import('../../functions/core/site/build.ts');
  const { deliverDeps } = await import('../../functions/wiring/deliver.ts');
  const { planDeps } = await import('../../functions/wiring/plan.ts');
  const { planIssueHandler } = await import('../../functions/handlers/plan-issue.ts');
  const { deliverHandler } = await import('../../functions/handlers/deliver.ts');
  const { DEFAULT_TEMPLATES } = await import('../../functions/wiring/paths.ts');
  const { tempTree } = await import('../helpers/cli.ts');
  const { articleText, settingsYaml } = await import('../helpers/factories.ts');
  const { sqsEvent } = await import('../helpers/events.ts');
  type BatchMessage = import('../../functions/core/sending/types.ts').BatchMessage;

  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamo, region: 'eu-west-1', credentials });
  const docs = documentClient(dynamo);
  await ensureTable(dynamo, 'bench');
  const seeded = new Date('2026-01-01T00:00:00Z');
  const items = function* () {
    for (let i = 0; i < count; i++) {
      const email = `reader${i}@example.com`;
      yield subscriberItem({ id: subscriberId(email), email, state: 'confirmed', version: 1, createdAt: seeded, updatedAt: seeded, confirmedAt: seeded, softBounces: 0, history: [] });
    }
  };
  let chunk: Record<string, unknown>[] = [];
  const pending: Promise<unknown>[] = [];
  for (const item of items()) {
    chunk.push(item);
    if (chunk.length === 25) {
      pending.push(docs.send(new BatchWriteCommand({ RequestItems: { bench: chunk.map((Item) => ({ PutRequest: { Item } })) } })));
      chunk = [];
      if (pending.length >= 8) await Promise.all(pending.splice(0));
    }
  }
  if (chunk.length) pending.push(docs.send(new BatchWriteCommand({ RequestItems: { bench: chunk.map((Item) => ({ PutRequest: { Item } })) } })));
  await Promise.all(pending);

  const stores = dynamoStores(docs, 'bench');
  const contentDir = tempTree({ 'publication.yaml': settingsYaml(), 'articles/news.md': articleText({ title: 'The news', date: '2026-01-03T10:00:00Z' }) });
  const content = new FileContentSource(contentDir);
  const templates = new FileTemplateSource(DEFAULT_TEMPLATES);
  const settings = await loadSettings(content);
  const quiet = { info() {}, warn() {}, error() {} };
  const mailer = new SesMailer(new SESClient({ endpoint: endpoints.ses, region: 'eu-west-1', credentials, maxAttempts: 1 }), { maxSendRate: RATE });

  // The queue: a bounded channel the delivery workers drain while planning goes on (like SQS + Lambda).
  const channel: BatchMessage[] = [];
  let planning = true;
  let wake: (() => void) | undefined;
  const queue = {
    async enqueue(message: BatchMessage) {
      while (channel.length >= WORKERS * 2) await new Promise((r) => setTimeout(r, 5));
      channel.push(message);
      wake?.();
    },
  };
  const sendTime = new Date('2026-01-05T07:00:00Z');
  const planIssue = planIssueHandler(planDeps({ settings, content, templates, stores, queue, tokenKey: 'bench-signing-key-that-is-long-enough-012345', log: quiet, now: () => sendTime }));
  const deliverBatches = deliverHandler(deliverDeps({ stores, mailer, log: quiet, defer: async () => {} }));
  let failures = 0;
  const worker = async () => {
    for (;;) {
      const next = channel.shift();
      if (!next) {
        if (!planning) return;
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 10);
        });
        continue;
      }
      const response = await deliverBatches(sqsEvent([next]));
      if (response.batchItemFailures.length > 0) {
        failures++;
        channel.push(next);
      }
    }
  };
  const start = performance.now();
  const workers = Array.from({ length: WORKERS }, worker);
  const planned = await planIssue({ time: sendTime.toISOString() });
  planning = false;
  await Promise.all(workers);
  const seconds = (performance.now() - start) / 1000;
  const issue = await stores.issues.getIssue(planned.issueId);
  const stats = await (await fetch(`${endpoints.ses}/stats`)).json();
  process.stdout.write(
    JSON.stringify({ seconds, stats, issue: { status: issue?.status, sent: issue?.sent }, failures, clientThrottled: mailer.throttled, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
}

function startChild(args: string[]): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = new Promise<string>((resolve) => lines.once('line', resolve));
  lines.on('line', () => undefined);
  return { child, firstLine };
}

async function parent(): Promise<void> {
  const results: { count: number; maxRssMb: number }[] = [];
  console.log(`SES stand-in maximum rate R = ${RATE} messages/s (BENCH_SES_RATE to change); ${WORKERS} delivery workers`);
  for (const count of SIZES) {
    const srv = startChild(['servers', String(RATE)]);
    const endpoints = JSON.parse(await srv.firstLine);
    const run = startChild(['sender', String(count), JSON.stringify(endpoints)]);
    let out = '';
    run.child.stdout!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => run.child.on('exit', r));
    srv.child.kill();
    if (code !== 0) throw new Error(`sender for ${count} failed`);
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    const { stats } = r;
    const sendSeconds = (stats.lastAt - stats.firstAt) / 1000;
    const rate = (stats.messages - 1) / sendSeconds;
    const lost = count - stats.uniqueRecipients;
    const duplicated = stats.messages - stats.uniqueRecipients;
    console.log(
      `send to ${count.toLocaleString('en')}: ${stats.messages.toLocaleString('en')} messages in ${sendSeconds.toFixed(1)} s, ` +
        `sustained ${rate.toFixed(0)}/s = ${(rate / RATE).toFixed(3)} of R (target >= 0.9), ` +
        `throttled ${stats.throttled} of ${stats.calls} requests = ${((100 * stats.throttled) / stats.calls).toFixed(2)} % (target < 1 %), ` +
        `lost ${lost}, duplicated ${duplicated} (target 0 and 0), issue ${r.issue.status}, peak RSS ${r.maxRssMb.toFixed(0)} MB`,
    );
    results.push({ count, maxRssMb: r.maxRssMb });
  }
  const [small, large] = results;
  if (!small || !large) return;
  console.log(`sender peak memory ${large.count}/${small.count} subscribers: ${(large.maxRssMb / small.maxRssMb).toFixed(2)}x for ${large.count / small.count}x the list (flat = 1x)`);
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'servers') await servers(Number(a));
else if (mode === 'sender') await sender(Number(a), JSON.parse(b!));
else await parent();
