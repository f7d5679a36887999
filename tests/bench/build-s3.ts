// Benchmark: the site build on S3, as the feeds function runs it (content bucket in, site bucket out),
// against s3rver on loopback: a full build into an empty site bucket, then a rebuild after editing one
// article by a new builder (a cold function: its state comes from the site bucket) and by the same
// builder (a warm one). Prints min and median of several runs and the S3 requests each made: the
// request counts carry over to AWS, the times (s3rver keeps objects as files) only roughly.
// BENCH_RUNS sets the number of runs (default 5); BENCH_S3_SIZES a comma-separated list (default 1000).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { FileTemplateSource } from '../../functions/adapters/fs-templates.ts';
import { S3ContentSource } from '../../functions/adapters/s3-content.ts';
import { S3SiteOutput } from '../../functions/adapters/s3-output.ts';
import { SiteBuilder } from '../../functions/core/site/build.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_S3_SIZES ?? '1000').split(',').map(Number);
const quiet = { info() {}, warn() {}, error() {} };

async function startS3rver(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const script = `new (require('s3rver'))({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(dir)},
    configureBuckets: [{ name: 'content' }, { name: 'site' }] }).run().then((a) => console.log('listening ' + a.port));`;
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, port: Number(/^listening (\d+)$/.exec(line)?.[1]) };
}

const counts = new Map<string, number>();
function client(port: number): S3Client {
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName!.replace(/Command$/, '');
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return s3;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function emptySite(s3: S3Client): Promise<void> {
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: 'site' }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: 'site', Delete: { Objects: keys } }));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-s3rver-'));
const server = await startS3rver(dir);
const s3 = client(server.port);
const rows: string[] = [];
try {
  for (const count of SIZES) {
    const limit = pLimit(32);
    await s3.send(new PutObjectCommand({ Bucket: 'content', Key: 'publication.yaml', Body: settingsYaml() }));
    const text = (i: number, edit = '') =>
      articleText({ title: `Article number ${i}`, date: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString() }, `Paragraph of article ${i}, with *emphasis*${edit}.\n\nMore words.\n`);
    await Promise.all(Array.from({ length: count }, (_, i) => limit(() => s3.send(new PutObjectCommand({ Bucket: 'content', Key: `articles/a-${i}.md`, Body: text(i) })))));
    const builder = () =>
      new SiteBuilder({
        content: new S3ContentSource(s3, { bucket: 'content' }),
        output: new S3SiteOutput(s3, { bucket: 'site' }),
        templates: new FileTemplateSource(join(ROOT, 'templates')),
        log: quiet,
        codeVersion: 'bench',
      });
    const measure = async (label: string, setup: () => Promise<void>, run: () => Promise<unknown>) => {
      const times: number[] = [];
      let requests = '';
      for (let r = 0; r < RUNS; r++) {
        await setup();
        counts.clear();
        const start = performance.now();
        await run();
        times.push((performance.now() - start) / 1000);
        requests = [...counts].sort().map(([k, v]) => `${k} ${v}`).join(', ');
      }
      const line = `| ${label} | ${median(times).toFixed(2)} s (min ${Math.min(...times).toFixed(2)} s) | ${requests} |`;
      console.log(line);
      rows.push(line);
      return median(times);
    };
    const n = count.toLocaleString('en');
    const full = await measure(`full build, ${n} articles, empty site bucket`, () => emptySite(s3), () => builder().build(new Date()));
    let edits = 0;
    const edit = async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'content', Key: `articles/a-${count - 1}.md`, Body: text(count - 1, ` (edit ${++edits})`) }));
    };
    const cold = await measure(`rebuild after one edit, ${n}, new builder (cold function)`, edit, () => builder().build(new Date()));
    const warmBuilder = builder();
    await warmBuilder.build(new Date());
    const warm = await measure(`rebuild after one edit, ${n}, same builder (warm function)`, edit, () => warmBuilder.build(new Date()));
    console.log(`rebuild / full: cold ${((100 * cold) / full).toFixed(0)}%, warm ${((100 * warm) / full).toFixed(0)}%`);
  }
  console.log('\n| work | time: median (min) | S3 requests in the last run |\n|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  s3.destroy();
  server.child.kill();
  rmSync(dir, { recursive: true, force: true });
}
