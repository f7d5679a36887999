// Benchmark: `newsletter build` as a user runs it (the whole process: node functions/cli/bin.mjs build),
// for 1,000 and 10,000 generated articles (each tagged `bench` and one of 20 topics): a full build
// into an empty folder, a rebuild after editing one article, and the start-up (`--help`, a build of an
// empty content folder). Side by side with Hugo, runs alternating, its layouts writing the same kinds
// of output as ours (article pages, paginated lists per tag and for every article, RSS, Atom and JSON
// Feed per list, the tags' index, a sitemap: see support/hugo-site.ts); the bench prints what each
// side wrote.
// Prints min and median wall time of several runs, the median CPU time and peak memory (GNU time), and
// one table; its ratio is the median of the ratios of runs made one after the other (wall time).
// BENCH_RUNS sets the number of runs (default 5); BENCH_SIZES a comma-separated list of sizes.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { writeHugoSite } from './support/hugo-site.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'functions/cli/bin.mjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p) && spawnSync(p, ['-f', '%M', 'true']).status === 0);
const HUGO = spawnSync('hugo', ['version'], { encoding: 'utf8' }).status === 0 ? 'hugo' : undefined;

function paragraph(i: number, p: number): string {
  return `Paragraph ${p} of article ${i}: the council discussed the budget, with *emphasis* and a [link](https://example.org/${i}/${p}) to the minutes. `.repeat(4);
}

function body(i: number, edit = ''): string {
  return Array.from({ length: 8 }, (_, p) => paragraph(i, p)).join('\n\n') + `\n\n## A subheading\n\nClosing words, with one more sentence for the record${edit}.\n`;
}

function articleFile(i: number, edit = ''): string {
  const date = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString();
  // Every article in the tag `bench`, and one of 20 topics: tag pages of every size.
  return articleText({ title: `Article number ${i} & more`, date, tags: ['bench', `topic ${i % 20}`] }, body(i, edit));
}

/** One content folder of `count` articles, and the same articles as a Hugo site. */
function generate(count: number): { content: string; hugo: string; words: number } {
  const content = mkdtempSync(join(tmpdir(), `bench-content-${count}-`));
  mkdirSync(join(content, 'articles'));
  writeFileSync(join(content, 'publication.yaml'), settingsYaml());
  for (let i = 0; i < count; i++) writeFileSync(join(content, 'articles', `a-${i}.md`), articleFile(i));
  const hugo = mkdtempSync(join(tmpdir(), `bench-hugo-${count}-`));
  writeHugoSite(hugo);
  // Our front matter (YAML: title, date, tags) is Hugo's own format: the files are copied as they are.
  cpSync(join(content, 'articles'), join(hugo, 'content', 'articles'), { recursive: true });
  const words = body(0).split(/\s+/).filter(Boolean).length;
  return { content, hugo, words };
}

interface Run {
  seconds: number;
  /** User + system seconds of the process (GNU time), when measured. */
  cpu: number | undefined;
  peakMb: number | undefined;
  stdout: string;
}

/** Runs a command to its end, timing the whole process; peak memory by GNU time when there is one. */
function timed(command: string[], cwd = ROOT): Run {
  const stats = join(tmpdir(), `bench-time-${process.pid}.txt`);
  const argv = GNU_TIME ? [GNU_TIME, '-o', stats, '-f', '%M %U %S', ...command] : command;
  const start = process.hrtime.bigint();
  const run = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${command.join(' ')} failed (${run.status}): ${run.stderr}`);
  const [peakKb, user, system] = GNU_TIME ? readFileSync(stats, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) : [];
  rmSync(stats, { force: true });
  const cpu = user !== undefined && system !== undefined ? user + system : undefined;
  return { seconds, cpu, peakMb: peakKb !== undefined && Number.isFinite(peakKb) ? peakKb / 1024 : undefined, stdout: run.stdout };
}

interface Series {
  runs: Run[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const stat = (series: Series) => ({
  min: Math.min(...series.runs.map((r) => r.seconds)),
  median: median(series.runs.map((r) => r.seconds)),
  cpu: series.runs.some((r) => r.cpu === undefined) ? undefined : median(series.runs.map((r) => r.cpu!)),
  peak: series.runs.some((r) => r.peakMb === undefined) ? undefined : Math.max(...series.runs.map((r) => r.peakMb!)),
});
/** The median of the ratios of runs made one after the other (steadier than a ratio of medians on a busy machine). */
const pairedRatio = (a: Series, b: Series) => median(a.runs.map((r, i) => r.seconds / b.runs[i]!.seconds));

/** Runs A and B in turn, `runs` times each, each preceded by its own (untimed) set-up. */
function alternate(runs: number, a: { setup?: () => void; command: () => string[] }, b?: { setup?: () => void; command: () => string[]; cwd?: string }): [Series, Series | undefined] {
  const sa: Series = { runs: [] };
  const sb: Series | undefined = b ? { runs: [] } : undefined;
  for (let i = 0; i < runs; i++) {
    a.setup?.();
    sa.runs.push(timed(a.command()));
    if (b && sb) {
      b.setup?.();
      sb.runs.push(timed(b.command(), b.cwd));
    }
  }
  return [sa, sb];
}

const rows: string[][] = [];
const seconds = (s: number) => `${s.toFixed(2)} s`;
function row(work: string, ours: Series, theirs: Series | undefined, note = ''): void {
  const o = stat(ours);
  const t = theirs ? stat(theirs) : undefined;
  const mem = (mb: number | undefined) => (mb === undefined ? 'n/a' : `${mb.toFixed(0)} MB`);
  const cell = (s: ReturnType<typeof stat>) => `${seconds(s.median)} (min ${seconds(s.min)}), cpu ${s.cpu === undefined ? 'n/a' : seconds(s.cpu)}, ${mem(s.peak)}`;
  rows.push([work, cell(o), t ? cell(t) : '', t && theirs ? `${pairedRatio(ours, theirs).toFixed(2)}x` : '', note]);
  console.log(`${work}: ours ${seconds(o.median)} median, ${seconds(o.min)} min${t ? `; Hugo ${seconds(t.median)} median, ${seconds(t.min)} min` : ''}`);
}

/** What a built site holds, by kind of file: both sides write the same kinds (see support/hugo-site.ts). */
function describeOutput(root: string): string {
  const kinds: [string, RegExp][] = [
    ["redirects (Hugo's page/1/)", /(^|\/)page\/1\/index\.html$/],
    ['list pages', /^((tags|newsletters)\/[^/]+\/|articles\/)?(page\/\d+\/)?index\.html$/],
    ['article pages', /^articles\/[^/]+(\.html|\/index\.html)$/],
    ['feeds', /(^|\/)(feed\.xml|index\.xml|atom\.xml|feed\.json)$/],
    ["tags' index", /^tags\/index\.html$/],
    ['sitemap', /^sitemap\.xml$/],
    ['style, icon, subscribe page', /^(style\.css|favicon\.svg|subscribe\.html)$/],
  ];
  const counts = new Map<string, number>();
  let total = 0;
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const path = name.split('\\').join('/');
    if (path.startsWith('.newsletter') || !statSync(join(root, path)).isFile()) continue;
    total++;
    const kind = kinds.find(([, pattern]) => pattern.test(path))?.[0] ?? 'other';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const listed = [...kinds.map(([kind]) => kind), 'other'].filter((kind) => counts.has(kind));
  return `${listed.map((kind) => `${counts.get(kind)!.toLocaleString('en')} ${kind}`).join(', ')}: ${total.toLocaleString('en')} files`;
}

function fresh(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const cleanup: string[] = [];
try {
  // What `npm ci` leaves: the compiled command (the bench measures what a user runs).
  const compile = spawnSync(process.execPath, [join(ROOT, 'functions/cli/compile.mjs')], { stdio: 'inherit' });
  if (compile.status !== 0) throw new Error('compiling the command failed');
  console.log(`${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${RUNS} runs each`);
  if (!HUGO) console.log('hugo is not installed: the Hugo columns are left empty (apt-get install hugo)');
  if (!GNU_TIME) console.log('GNU time is not installed: peak memory is not measured');

  const empty = fresh('bench-empty-');
  cleanup.push(empty);
  writeFileSync(join(empty, 'publication.yaml'), settingsYaml());
  const emptyOut = fresh('bench-empty-out-');
  cleanup.push(emptyOut);
  const [help] = alternate(RUNS, { command: () => [process.execPath, BIN, '--help'] });
  row('`newsletter --help`', help, undefined);
  const [emptyBuild] = alternate(RUNS, { command: () => [process.execPath, BIN, 'build', '--content', empty, '--out', emptyOut] });
  row('`newsletter build`, empty content folder', emptyBuild, undefined);

  for (const count of SIZES) {
    const { content, hugo, words } = generate(count);
    cleanup.push(content, hugo);
    const label = count.toLocaleString('en');
    console.log(`\n${label} articles of ${words} words`);
    let out = '';
    let hugoOut = '';
    const ours = () => [process.execPath, BIN, 'build', '--content', content, '--out', out];
    const theirs = () => ['hugo', '--quiet', '--source', hugo, '--destination', hugoOut];
    const newOutputs = () => {
      for (const dir of [out, hugoOut]) if (dir) rmSync(dir, { recursive: true, force: true });
      out = fresh('bench-out-');
      hugoOut = fresh('bench-hugo-out-');
    };
    const [full, hugoFull] = alternate(
      RUNS,
      { setup: newOutputs, command: ours },
      HUGO ? { command: theirs } : undefined,
    );
    for (const run of full.runs) if (!run.stdout.includes(`${count} articles published`)) throw new Error(`expected ${count} published: ${run.stdout}`);
    row(`build ${label} articles`, full, hugoFull);
    console.log(`  ours writes ${describeOutput(out)}`);
    if (HUGO) console.log(`  Hugo writes ${describeOutput(hugoOut)}`);

    // Rebuild after editing the newest article (it is in the feeds): output and cache from a full build.
    newOutputs();
    timed(ours());
    if (HUGO) timed(theirs());
    const newest = count - 1;
    let edits = 0;
    const edit = () => {
      const text = articleFile(newest, ` (edit ${++edits})`);
      writeFileSync(join(content, 'articles', `a-${newest}.md`), text);
      writeFileSync(join(hugo, 'content', 'articles', `a-${newest}.md`), text);
    };
    const [rebuild, hugoRebuild] = alternate(RUNS, { setup: edit, command: ours }, HUGO ? { command: theirs } : undefined);
    const written = [...new Set(rebuild.runs.map((r) => /wrote (\d+) changed file/.exec(r.stdout)?.[1]))].join('/');
    row(`rebuild ${label} after editing one article`, rebuild, hugoRebuild, `wrote ${written} files; ${(100 * stat(rebuild).median / stat(full).median).toFixed(0)}% of a full build`);
    for (const dir of [out, hugoOut]) rmSync(dir, { recursive: true, force: true });
  }

  console.log('\n| work | this project: median (min), cpu, peak memory | Hugo: median (min), cpu, peak memory | ratio | |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
} finally {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
}
