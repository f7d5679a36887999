// Benchmark: each Lambda function's bundle (built as `cdk synth` builds it) and its cold import time
// in a fresh Node process, in all and without the AWS SDK the runtime provides ("own code"). Targets:
// the delivery worker at most 1 MB and 150 ms (in all); bundles that do not render MJML must not carry it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling.ts';
import { FUNCTIONS, handlerEntry, handlerExists } from '../../infra/functions.ts';
import { ROOT } from '../helpers/cli.ts';

const RUNS = 5;
const TARGETS: Record<string, { bytes: number; ms: number }> = { deliver: { bytes: 1024 * 1024, ms: 150 } };

const work = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
// The bundles leave @aws-sdk/* to the Lambda runtime; the project's copy stands in for it here.
symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));

/**
 * Milliseconds from `import()` to a loaded module, in a new Node process each time (median of RUNS).
 * With `preload`, those modules (the AWS SDK the Lambda runtime provides) are imported first and not
 * counted, which leaves the bundle's own share.
 */
function coldImportMs(file: string, preload: string[] = []): number {
  const script = `await Promise.all(${JSON.stringify(preload)}.map((m) => import(m)));
    const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH } });
    if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr.split('\n').slice(0, 5).join('\n')}`);
    times.push(Number(run.stdout));
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
let failed = 0;
const missing = FUNCTIONS.filter((f) => !handlerExists(f)).map((f) => f.name);
if (missing.length > 0) console.log(`not built (no handler file yet): ${missing.join(', ')}`);
console.log(`function      bundle    map       import (median of ${RUNS})  own code  MJML   target`);
for (const spec of FUNCTIONS.filter(handlerExists)) {
  const outfile = join(work, spec.name, 'index.mjs');
  let result;
  try {
    result = await build(esbuildOptions(handlerEntry(spec), outfile));
  } catch (error) {
    console.log(`${spec.name.padEnd(13)} cannot be bundled: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
    failed++;
    continue;
  }
  const bytes = statSync(outfile).size;
  const mapBytes = statSync(`${outfile}.map`).size;
  const ms = coldImportMs(outfile);
  const sdk = [...new Set(Object.values(result.metafile!.outputs).flatMap((o) => o.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path)))];
  const ownMs = coldImportMs(outfile, sdk);
  const carriesMjml = Object.keys(result.metafile!.inputs).some((input) => /node_modules\/mjml/.test(input));
  const verdicts: string[] = [];
  if (carriesMjml !== spec.rendersMjml) verdicts.push(carriesMjml ? 'FAIL (carries MJML)' : 'note: renders MJML but does not import it');
  const target = TARGETS[spec.name];
  if (target) verdicts.push(bytes <= target.bytes && ms <= target.ms ? `PASS (≤ ${kb(target.bytes)}, ≤ ${target.ms} ms)` : `FAIL (≤ ${kb(target.bytes)}, ≤ ${target.ms} ms)`);
  if (verdicts.some((v) => v.startsWith('FAIL'))) failed++;
  console.log(`${spec.name.padEnd(13)} ${kb(bytes).padStart(8)}  ${kb(mapBytes).padStart(8)}  ${`${ms.toFixed(0)} ms`.padStart(10)}            ${`${ownMs.toFixed(0)} ms`.padStart(8)}  ${(carriesMjml ? 'yes' : 'no').padEnd(5)}  ${verdicts.join('; ')}`);
}
rmSync(work, { recursive: true, force: true });
process.exit(failed === 0 ? 0 : 1);
