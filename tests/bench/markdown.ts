// Benchmark: the Markdown engine (md4c via md4w) against the old one (marked, kept as a dev
// dependency for this only) on adversarial inputs of 64 KB and 1 MiB. Each engine, pattern and
// size runs in its own process; min and median over several runs. Each process is stopped after
// CAP_S seconds: with no run finished it shows ">CAP_S s". "article" is the whole parse of one article file
// (front matter, render, nesting check, sanitise, summary) with the new engine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADVERSARIAL_MARKDOWN, deepQuote, raw } from '../hostile/corpus/articles.ts';

const SIZES: [string, number][] = [['64 KB', 64 * 1024], ['1 MiB', 1024 * 1024]];
const RUNS = 5;
const OLD_RUNS = 3;
const CAP_S = 20;
const PATTERNS: Record<string, (size: number) => string> = {
  ...ADVERSARIAL_MARKDOWN,
  'deep-blockquote': (n) => deepQuote(n - 6),
  'long-emphasis-run': (n) => `${'*'.repeat(n / 2 - 1)}a${'*'.repeat(n / 2 - 1)}`,
};

type Engine = 'md4c' | 'article' | 'marked';

async function child(engine: Engine, pattern: string, size: number, runs: number): Promise<void> {
  const input = PATTERNS[pattern]!(size);
  let run: () => unknown;
  if (engine === 'marked') {
    const { Marked } = await import('marked');
    const marked = new Marked({ gfm: true, async: false });
    run = () => marked.parse(input, { async: false });
  } else if (engine === 'md4c') {
    const { markdownToHtml } = await import('../../functions/core/articles/markdown.ts');
    run = () => markdownToHtml(input);
  } else {
    const { parseArticle } = await import('../../functions/core/articles/parse.ts');
    const { testSettings } = await import('../helpers/factories.ts');
    const settings = testSettings({ maxArticleBytes: 2 * size });
    const file = { path: 'articles/bench.md', bytes: new TextEncoder().encode(raw('title: Bench\ndate: 2024-11-20T09:00:00Z', input)) };
    run = () => parseArticle(file, settings);
  }
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    // One line per run, so a run stopped by the cap still leaves the earlier ones.
    process.stdout.write(`${performance.now() - start}\n`);
  }
}

function measure(engine: Engine, pattern: string, size: number, runs: number): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', engine, pattern, String(size), String(runs)], {
    encoding: 'utf8',
    timeout: CAP_S * 1000,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 20,
  });
  const times = r.stdout.split('\n').filter(Boolean).map(Number).sort((a, b) => a - b);
  if (times.length === 0) {
    if (r.signal) return `>${CAP_S} s`;
    if (/Maximum call stack/.test(r.stderr)) return 'stack overflow';
    if (/heap out of memory/i.test(r.stderr)) return 'out of memory';
    return `failed (${/\w*Error: [^\n]*/.exec(r.stderr)?.[0] ?? `exit ${r.status}`})`;
  }
  const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
  const median = times[Math.floor((times.length - 1) / 2)]!;
  const partial = times.length < runs ? ` (${times.length} of ${runs} runs within ${CAP_S} s)` : '';
  return `${fmt(times[0]!)} / ${fmt(median)}${partial}`;
}

function parent(): void {
  console.log(`min / median of ${RUNS} runs (old engine: ${OLD_RUNS}); each process is stopped after ${CAP_S} s`);
  console.log(['pattern', 'size', 'md4c', 'article (md4c)', 'marked (old)'].join(' | '));
  for (const pattern of Object.keys(PATTERNS)) {
    for (const [label, size] of SIZES) {
      const row = [pattern, label, measure('md4c', pattern, size, RUNS), measure('article', pattern, size, RUNS), measure('marked', pattern, size, OLD_RUNS)];
      console.log(row.join(' | '));
    }
  }
}

if (process.argv[2] === 'child') await child(process.argv[3] as Engine, process.argv[4]!, Number(process.argv[5]), Number(process.argv[6]));
else parent();
