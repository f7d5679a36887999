// Benchmark: building the site from 1,000 and 10,000 generated articles.
// Each size runs in its own process so its peak memory is its own.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { articleText, settingsYaml } from '../helpers/factories.ts';

const SIZES = [1_000, 10_000];

function paragraph(i: number, p: number): string {
  return `Paragraph ${p} of article ${i}: the council discussed the budget, with *emphasis* and a [link](https://example.org/${i}/${p}) to the minutes. `.repeat(4);
}

function generate(count: number): string {
  const root = mkdtempSync(join(tmpdir(), `bench-content-${count}-`));
  mkdirSync(join(root, 'articles'));
  writeFileSync(join(root, 'publication.yaml'), settingsYaml());
  for (let i = 0; i < count; i++) {
    const date = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString();
    const body = Array.from({ length: 6 }, (_, p) => paragraph(i, p)).join('\n\n') + '\n\n## A subheading\n\nClosing words.\n';
    writeFileSync(join(root, 'articles', `a-${i}.md`), articleText({ title: `Article number ${i} & more`, date, tags: ['bench'] }, body));
  }
  return root;
}

async function child(content: string, out: string): Promise<void> {
  const { buildSite } = await import('../../functions/core/site/build.ts');
  const { localBuildDeps } = await import('../../functions/wiring/site.ts');
  const quiet = { info() {}, warn() {}, error() {} };
  const start = performance.now();
  const report = await buildSite(localBuildDeps({ content, out }, quiet), new Date('2030-01-01T00:00:00Z'));
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(JSON.stringify({ seconds, published: report.articles.length, feedItems: report.feedItems, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function parent(): Promise<void> {
  const results: { count: number; seconds: number; maxRssMb: number; feedItems: number }[] = [];
  for (const count of SIZES) {
    const content = generate(count);
    const out = mkdtempSync(join(tmpdir(), `bench-out-${count}-`));
    const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', content, out], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`build of ${count} articles failed: ${run.stderr}`);
    const r = JSON.parse(run.stdout);
    if (r.published !== count) throw new Error(`expected ${count} published, got ${r.published}`);
    results.push({ count, ...r });
    console.log(`build ${count.toLocaleString('en')} articles: ${r.seconds.toFixed(2)} s, ${(count / r.seconds).toFixed(0)} articles/s, peak RSS ${r.maxRssMb.toFixed(0)} MB, ${r.feedItems} items per feed`);
    rmSync(content, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
  const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
  const timeRatio = large.seconds / small.seconds;
  console.log(`build time ratio ${large.count}/${small.count} articles: ${timeRatio.toFixed(2)}x for ${large.count / small.count}x the articles (linear = ${(large.count / small.count).toFixed(0)}x)`);
}

if (process.argv[2] === 'child') await child(process.argv[3]!, process.argv[4]!);
else await parent();
