// Benchmark: one issue to 10,000 and 100,000 subscribers through a loopback SES stand-in that enforces
// a maximum send rate R (each R of BENCH_SES_RATE, default 300 and 1,000). The stores (dynalite) and the
// stand-in run in one process, the sender (the real plan-issue and deliver handlers, SDK clients, the
// paced SES adapter) in another, so the sender's CPU and peak memory are its own. Each run starts from
// empty stores. Prints, min / median over the runs: the sustained rate as a fraction of R, the sender's
// CPU, the DynamoDB requests and capacity units the delivery worker spends per message (counted by an
// SDK middleware on its client; the planner's are shown apart), throttled requests, messages lost and
// duplicated, and peak memory. Then what the SES-events function spends per message on its Send and
// Delivery events, and the DynamoDB bill per million messages at on-demand prices.
// BENCH_SEND_SIZES, BENCH_SEND_RUNS (runs of the first size; larger sizes run once), BENCH_WORKERS,
// BENCH_SEND_PROFILE (a directory for a CPU profile of each sender).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const RATES = (process.env.BENCH_SES_RATE ?? '300,1000').split(',').map(Number);
const SIZES = (process.env.BENCH_SEND_SIZES ?? '10000,100000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_SEND_RUNS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const EVENTS = 2000;
/** DynamoDB on-demand, US East (N. Virginia), per million request units. */
const PRICE = { write: 0.625, read: 0.125 };
const self = fileURLToPath(import.meta.url);

/** What one client spent: requests by command, and the capacity units DynamoDB reported. */
interface Spend {
  requests: Record<string, number>;
  conditionFailed: number;
  read: number;
  write: number;
}

/**
 * Counts every request the client makes, asks DynamoDB for the capacity each consumed and adds it up.
 * A write whose condition fails reports none; DynamoDB bills it (at least 1 WRU), so those are counted apart.
 */
function countSpend(client: DynamoDBClient): Spend {
  const spend: Spend = { requests: {}, conditionFailed: 0, read: 0, write: 0 };
  const reads = new Set(['GetCommand', 'BatchGetCommand', 'QueryCommand', 'ScanCommand', 'GetItemCommand', 'BatchGetItemCommand', 'QueryItemCommand']);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      spend.requests[name] = (spend.requests[name] ?? 0) + 1;
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      try {
        const out = await next(args);
        const consumed = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        const units = [consumed].flat().reduce((sum: number, c) => sum + ((c as { CapacityUnits?: number } | undefined)?.CapacityUnits ?? 0), 0);
        if (reads.has(name)) spend.read += units;
        else spend.write += units;
        return out;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') spend.conditionFailed++;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchSpend' },
  );
  return spend;
}

const total = (spend: Spend) => Object.values(spend.requests).reduce((a, b) => a + b, 0);

async function servers(rate: number): Promise<void> {
  const dynalite = (await import('dynalite')).default;
  const { startSesStandIn } = await import('../helpers/ses-standin.ts');
  const db = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => db.listen(0, '127.0.0.1', () => r()));
  const ses = await startSesStandIn({ maxRate: rate, keepRaw: false });
  process.stdout.write(`${JSON.stringify({ dynamo: `http://127.0.0.1:${(db.address() as AddressInfo).port}`, ses: ses.endpoint })}\n`);
}

async function sender(count: number, rate: number, endpoints: { dynamo: string; ses: string }, measureEvents: boolean): Promise<void> {
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
  const { loadSettings } = await import('../../functions/core/settings.ts');
  const { deliverDeps } = await import('../../functions/wiring/deliver.ts');
  const { planDeps } = await import('../../functions/wiring/plan.ts');
  const { sesEventDeps } = await import('../../functions/wiring/ses-events.ts');
  const { planIssueHandler } = await import('../../functions/handlers/plan-issue.ts');
  const { deliverHandler } = await import('../../functions/handlers/deliver.ts');
  const { sesEventsHandler } = await import('../../functions/handlers/ses-events.ts');
  const { DEFAULT_TEMPLATES } = await import('../../functions/wiring/paths.ts');
  const { tempTree } = await import('../helpers/cli.ts');
  const { articleText, settingsYaml } = await import('../helpers/factories.ts');
  const { snsEvent, sqsEvent } = await import('../helpers/events.ts');
  type BatchMessage = import('../../functions/core/sending/types.ts').BatchMessage;

  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const client = () => new DynamoDBClient({ endpoint: endpoints.dynamo, region: 'eu-west-1', credentials });
  // Seeding and planning on one client, delivery on another, SES events on a third: each counted apart.
  const planning = client();
  const delivering = client();
  const eventing = client();
  const planSpend = countSpend(planning);
  const deliverSpend = countSpend(delivering);
  const eventSpend = countSpend(eventing);
  const docs = documentClient(planning);
  await ensureTable(planning, 'bench');
  const seeded = new Date('2026-01-01T00:00:00Z');
  const email = (i: number) => `reader${i}@example.com`;
  let chunk: Record<string, unknown>[] = [];
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(subscriberItem({ id: subscriberId(email(i)), email: email(i), state: 'confirmed', version: 1, createdAt: seeded, updatedAt: seeded, confirmedAt: seeded, softBounces: 0, history: [] }));
    if (chunk.length === 25 || i === count - 1) {
      pending.push(docs.send(new BatchWriteCommand({ RequestItems: { bench: chunk.map((Item) => ({ PutRequest: { Item } })) } })));
      chunk = [];
      if (pending.length >= 8) await Promise.all(pending.splice(0));
    }
  }
  await Promise.all(pending);
  for (const key of Object.keys(planSpend.requests)) delete planSpend.requests[key];
  Object.assign(planSpend, { read: 0, write: 0, conditionFailed: 0 });

  const planStores = dynamoStores(docs, 'bench');
  const deliverStores = dynamoStores(documentClient(delivering), 'bench');
  const contentDir = tempTree({ 'publication.yaml': settingsYaml(), 'articles/news.md': articleText({ title: 'The news', date: '2026-01-03T10:00:00Z' }) });
  const content = new FileContentSource(contentDir);
  const templates = new FileTemplateSource(DEFAULT_TEMPLATES);
  const settings = await loadSettings(content);
  const quiet = { info() {}, warn() {}, error() {} };
  const mailer = new SesMailer(new SESClient({ endpoint: endpoints.ses, region: 'eu-west-1', credentials, maxAttempts: 1 }), { maxSendRate: rate });

  // The queue: a bounded channel the delivery workers drain while planning goes on (like SQS + Lambda).
  const channel: BatchMessage[] = [];
  let planningDone = false;
  let wake: (() => void) | undefined;
  const queue = {
    async enqueue(message: BatchMessage) {
      while (channel.length >= WORKERS * 2) await new Promise((r) => setTimeout(r, 5));
      channel.push(message);
      wake?.();
    },
  };
  const sendTime = new Date('2026-01-05T07:00:00Z');
  const planIssue = planIssueHandler(planDeps({ settings, content, templates, stores: planStores, queue, tokenKey: 'bench-signing-key-that-is-long-enough-012345', log: quiet, now: () => sendTime }));
  const deliverBatches = deliverHandler(deliverDeps({ stores: deliverStores, mailer, log: quiet, defer: async () => {} }));
  let retried = 0;
  const worker = async () => {
    for (;;) {
      const next = channel.shift();
      if (!next) {
        if (planningDone) return;
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 10);
        });
        continue;
      }
      const response = await deliverBatches(sqsEvent([next]));
      if (response.batchItemFailures.length > 0) {
        retried++;
        channel.push(next);
      }
    }
  };
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const workers = Array.from({ length: WORKERS }, worker);
  const planned = await planIssue({ time: sendTime.toISOString() });
  planningDone = true;
  await Promise.all(workers);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const issue = await planStores.issues.getIssue(planned.issueId);
  const stats = await (await fetch(`${endpoints.ses}/stats`)).json();

  // What the SES-events function spends on each message's Send and Delivery events (SES publishes both).
  let events: { messages: number; spend: Spend } | undefined;
  if (measureEvents) {
    const stores = dynamoStores(documentClient(eventing), 'bench');
    const handle = sesEventsHandler(sesEventDeps({ stores, log: quiet }));
    const n = Math.min(EVENTS, count);
    for (let i = 0; i < n; i++) {
      const mail = { messageId: `m-${i}`, timestamp: sendTime.toISOString(), tags: { issue: [planned.issueId], subscriber: [subscriberId(email(i))] } };
      await handle(snsEvent([{ eventType: 'Send', mail, send: {} }, { eventType: 'Delivery', mail, delivery: { timestamp: sendTime.toISOString(), recipients: [email(i)] } }]));
    }
    events = { messages: n, spend: eventSpend };
  }
  process.stdout.write(
    JSON.stringify({
      seconds,
      cpuShare: (cpu.user + cpu.system) / 1e6 / seconds,
      cpuMsPerThousand: (cpu.user + cpu.system) / 1e3 / (count / 1000),
      stats,
      issue: { status: issue?.status, sent: issue?.sent },
      retried,
      plan: planSpend,
      deliver: deliverSpend,
      events,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

function startChild(args: string[]): { child: ChildProcess; firstLine: Promise<string> } {
  // BENCH_SEND_PROFILE=<dir>: a CPU profile of each sender, to see where its time goes.
  const profile = args[0] === 'sender' && process.env.BENCH_SEND_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SEND_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = new Promise<string>((resolve) => lines.once('line', resolve));
  lines.on('line', () => undefined);
  return { child, firstLine };
}

interface RunResult {
  rate: number;
  cpuShare: number;
  /** Sender CPU time per 1,000 messages, ms: what bounds one core, whatever else runs on the machine. */
  cpuMsPerThousand: number;
  throttledPct: number;
  lost: number;
  duplicated: number;
  maxRssMb: number;
  status: string;
  deliverPerMessage: { requests: number; read: number; write: number; conditionFailed: number; byCommand: Record<string, number> };
  planPerMessage: { requests: number; read: number; write: number };
  events?: { requests: number; read: number; write: number; conditionFailed: number; byCommand: Record<string, number> } | undefined;
}

function perMessage(spend: Spend, messages: number) {
  return {
    requests: total(spend) / messages,
    read: spend.read / messages,
    write: spend.write / messages,
    conditionFailed: spend.conditionFailed / messages,
    byCommand: Object.fromEntries(Object.entries(spend.requests).map(([k, v]) => [k.replace(/Command$/, ''), v / messages])),
  };
}

async function once(count: number, rate: number, measureEvents: boolean): Promise<RunResult> {
  const srv = startChild(['servers', String(rate)]);
  const endpoints = JSON.parse(await srv.firstLine);
  const run = startChild(['sender', String(count), String(rate), JSON.stringify(endpoints), measureEvents ? 'events' : '']);
  let out = '';
  run.child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => run.child.on('exit', r));
  srv.child.kill();
  if (code !== 0) throw new Error(`sender for ${count} failed`);
  const r = JSON.parse(out.trim().split('\n').at(-1)!);
  const { stats } = r;
  const sendSeconds = (stats.lastAt - stats.firstAt) / 1000;
  return {
    rate: (stats.messages - 1) / sendSeconds / rate,
    cpuShare: r.cpuShare,
    cpuMsPerThousand: r.cpuMsPerThousand,
    throttledPct: (100 * stats.throttled) / stats.calls,
    lost: count - stats.uniqueRecipients,
    duplicated: stats.messages - stats.uniqueRecipients,
    maxRssMb: r.maxRssMb,
    status: r.issue.status,
    deliverPerMessage: perMessage(r.deliver, count),
    planPerMessage: perMessage(r.plan, count),
    events: r.events ? perMessage(r.events.spend, r.events.messages) : undefined,
  };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const min = (xs: number[]) => sorted(xs)[0]!;
const median = (xs: number[]) => sorted(xs)[Math.floor((xs.length - 1) / 2)]!;
const max = (xs: number[]) => sorted(xs).at(-1)!;
/** `min / median` of a figure over the runs (one value when there was one run). */
const spread = (xs: number[], digits: number) => (xs.length === 1 ? xs[0]!.toFixed(digits) : `${min(xs).toFixed(digits)} / ${median(xs).toFixed(digits)}`);
const dollars = (p: { read: number; write: number }) => (p.write * PRICE.write + p.read * PRICE.read).toFixed(2);
const commands = (byCommand: Record<string, number>) =>
  Object.entries(byCommand)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(3)}`)
    .join(', ');

async function parent(): Promise<void> {
  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}); SES stand-in enforcing R (BENCH_SES_RATE), ${WORKERS} delivery workers in one process; ` +
      `runs: ${RUNS} of ${SIZES[0]!.toLocaleString("en")}, one of each larger size; min / median`,
  );
  console.log('| R | subscribers | runs | sustained (of R) | sender CPU (of a core) | sender CPU ms / 1,000 messages | DynamoDB requests / message (deliver) | WRU / message | RRU / message | throttled % | lost | duplicated | peak RSS MB | issue |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  let events: RunResult['events'];
  let deliver: RunResult['deliverPerMessage'] | undefined;
  const detail: string[] = [];
  for (const rate of RATES) {
    for (const [index, count] of SIZES.entries()) {
      const runs: RunResult[] = [];
      for (let i = 0; i < (index === 0 ? RUNS : 1); i++) runs.push(await once(count, rate, events === undefined && i === 0));
      events ??= runs[0]!.events;
      const all = (f: (r: RunResult) => number) => runs.map(f);
      console.log(
        `| ${rate.toLocaleString('en')} | ${count.toLocaleString('en')} | ${runs.length} | ${spread(all((r) => r.rate), 3)} | ${spread(all((r) => r.cpuShare), 2)} | ${spread(all((r) => r.cpuMsPerThousand), 0)} | ` +
          `${spread(all((r) => r.deliverPerMessage.requests), 3)} | ${spread(all((r) => r.deliverPerMessage.write), 3)} | ${spread(all((r) => r.deliverPerMessage.read), 3)} | ` +
          `${spread(all((r) => r.throttledPct), 2)} | ${max(all((r) => r.lost))} | ${max(all((r) => r.duplicated))} | ${spread(all((r) => r.maxRssMb), 0)} | ${runs.map((r) => r.status).join(', ')} |`,
      );
      const first = runs[0]!;
      if (index === 0) deliver = first.deliverPerMessage;
      detail.push(
        `R ${rate}, ${count.toLocaleString('en')}: deliver ${commands(first.deliverPerMessage.byCommand)}; conditional writes refused ${first.deliverPerMessage.conditionFailed.toFixed(3)} / message; ` +
          `plan ${first.planPerMessage.requests.toFixed(3)} requests, ${first.planPerMessage.write.toFixed(3)} WRU, ${first.planPerMessage.read.toFixed(3)} RRU / message`,
      );
    }
  }
  console.log('\nrequests per message by command (first run of each row):');
  for (const line of detail) console.log(`  ${line}`);
  if (events && deliver) {
    console.log(
      `\nSES-events function, a Send and a Delivery event per message (${EVENTS.toLocaleString('en')} messages): ${events.requests.toFixed(3)} requests, ` +
        `${events.write.toFixed(3)} WRU, ${events.read.toFixed(3)} RRU / message (${commands(events.byCommand)}); conditional writes refused ${events.conditionFailed.toFixed(3)} / message`,
    );
    const all = { read: deliver.read + events.read, write: deliver.write + events.write + deliver.conditionFailed + events.conditionFailed };
    console.log(
      `DynamoDB on demand ($${PRICE.write} per million WRU, $${PRICE.read} per million RRU): delivery $${dollars(deliver)}, SES events $${dollars(events)}, ` +
        `together (refused conditional writes billed at 1 WRU) $${dollars(all)} per million messages`,
    );
  }
}

const [mode, a, b, c, d] = process.argv.slice(2);
if (mode === 'servers') await servers(Number(a));
else if (mode === 'sender') await sender(Number(a), Number(b), JSON.parse(c!), d === 'events');
else await parent();
