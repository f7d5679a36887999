import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../functions/adapters/worker-pool.ts';
import { loadPageTemplates } from '../../functions/core/site/build.ts';
import { inProcessProcessor, type ProcessedFile } from '../../functions/core/site/process.ts';
import { ROOT } from '../helpers/cli.ts';
import { articleText, contentFile, testSettings } from '../helpers/factories.ts';

const pools: WorkerPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function context() {
  const templates = await loadPageTemplates({ load: async (name) => readFileSync(join(ROOT, 'templates', name), 'utf8') });
  return { settings: testSettings(), templates, now: Date.parse('2026-01-01T00:00:00Z') };
}

function files(count: number, name = (i: number) => `articles/a${i}.md`) {
  return Array.from({ length: count }, (_, i) => ({ ...contentFile(name(i), articleText({ title: `Story ${i}` }, `Body *${i}*.\n`)), version: `v${i}` }));
}

async function collect(run: (onResults: (r: ProcessedFile[]) => void) => Promise<void>): Promise<ProcessedFile[]> {
  const out: ProcessedFile[] = [];
  await run((results) => out.push(...results));
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

describe('the article worker pool', () => {
  it('gives the same results as parsing on the calling thread', async () => {
    const pool = new WorkerPool({ size: 2, minFiles: 1 });
    pools.push(pool);
    const input = files(150);
    const ctx = await context();
    const threaded = await collect((on) => pool.run(input, ctx, on));
    const local = await collect((on) => inProcessProcessor.run(input, ctx, on));
    expect(threaded).toHaveLength(150);
    expect(threaded.map((r) => ({ ...r, page: r.page && { hash: r.page.hash, text: new TextDecoder().decode(r.page.body) } }))).toEqual(
      local.map((r) => ({ ...r, page: r.page && { hash: r.page.hash, text: new TextDecoder().decode(r.page.body) } })),
    );
    // Threads stay up for the next run.
    expect(await collect((on) => pool.run(files(100), ctx, on))).toHaveLength(100);
  });

  it('a file that ends its thread is reported alone; every other file of that batch is still processed', async () => {
    const pool = new WorkerPool({ size: 2, minFiles: 1, entry: new URL('../helpers/crashing-parse-worker.ts', import.meta.url) });
    pools.push(pool);
    const input = files(200, (i) => (i === 77 ? 'articles/crash.md' : `articles/a${String(i).padStart(3, '0')}.md`));
    const ctx = await context();
    const results = await collect((on) => pool.run(input, ctx, on));
    expect(results).toHaveLength(200);
    const crashed = results.filter((r) => !r.result.ok && r.result.problem.message !== 'seen');
    expect(crashed.map((r) => [r.path, !r.result.ok && r.result.problem.message])).toEqual([
      ['articles/crash.md', 'cannot be parsed: the parser ran out of memory or stopped on this file'],
    ]);
  });

  it('parses on the calling thread when its threads keep stopping before they answer', async () => {
    const pool = new WorkerPool({ size: 2, minFiles: 1, entry: new URL('../helpers/broken-parse-worker.ts', import.meta.url) });
    pools.push(pool);
    const input = files(120);
    const ctx = await context();
    const results = await collect((on) => pool.run(input, ctx, on));
    expect(results.map((r) => r.result.ok)).toEqual(input.map(() => true));
  });

  it('parses on the calling thread when there are few files or no worker entry', async () => {
    const pool = new WorkerPool({ size: 2, minFiles: 1_000 });
    pools.push(pool);
    const ctx = await context();
    expect(await collect((on) => pool.run(files(5), ctx, on))).toHaveLength(5);
  });
});
