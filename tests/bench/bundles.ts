// Benchmark: each Lambda function's bundle (built as `cdk synth` builds it) and its cold start in a
// fresh Node process, with the environment the stack gives it: the import of the bundle (its composition
// root reads that environment and, for the functions whose dependencies build without the network,
// builds its clients), and for those (delivery, SES events) the first call too (import + handling an
// empty event). "own code" is the import with the runtime's AWS SDK loaded beforehand (functions that leave
// the SDK to the runtime). Targets: the delivery worker at most 1 MB and 150 ms to import; bundles that
// do not render MJML must not carry it. The delivery worker is also built with the runtime's SDK, to
// show what bundling its SDK clients buys.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling.ts';
import { FUNCTION_ENV, type Variable } from '../../functions/lambdas/env.ts';
import { FUNCTIONS, handlerEntry, handlerExists, type FunctionSpec } from '../../infra/functions.ts';
import { ROOT } from '../helpers/cli.ts';

const RUNS = 5;
const TARGETS: Record<string, { bytes: number; ms: number }> = { deliver: { bytes: 1024 * 1024, ms: 150 } };

const work = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
// The bundles leave @aws-sdk/* to the Lambda runtime; the project's copy stands in for it here.
symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));

/** A value of each variable a function may be given (functions/lambdas/env.ts): nothing is called with them. */
const PLACEHOLDER: Record<Variable, string> = {
  CONTENT_BUCKET: 'bench-content',
  SITE_BUCKET: 'bench-site',
  TABLE_NAME: 'bench',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench',
  TOKEN_SECRET_PARAM: '/bench/token-secret',
  TEMPLATES_DIR: '/var/task/templates',
  SES_CONFIGURATION_SET: 'bench',
  MAX_SEND_RATE: '14',
  PLAN_FUNCTION: 'bench-plan-issue',
};
/** Each function's environment, as the stack sets it: a composition root reads it when imported. */
const envOf = (spec: FunctionSpec) => Object.fromEntries(FUNCTION_ENV[spec.name].map((v) => [v, PLACEHOLDER[v]]));
/** An empty event each handler can take without the network. */
const FIRST_CALL: Record<string, unknown> = { deliver: { Records: [] }, 'ses-events': { Records: [] } };
// What Lambda sets for every function (the credentials are never used: nothing is called).
const LAMBDA_ENV = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1' };

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Milliseconds from `import()` to a loaded module and, with `call`, to the handler's first answer, in
 * a new Node process each time (medians of RUNS). With `preload`, those modules (the AWS SDK the Lambda
 * runtime provides) are imported first and not counted, which leaves the bundle's own share.
 */
function coldStart(file: string, env: Record<string, string>, options: { preload?: string[]; call?: { event: unknown } } = {}): { importMs: number; firstCallMs?: number } {
  const { preload = [], call } = options;
  const script = `await Promise.all(${JSON.stringify(preload)}.map((m) => import(m)));
    const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const imported = performance.now() - t;
    ${call ? `await m.handler(${JSON.stringify(call.event)});` : ''}
    process.stdout.write(JSON.stringify([imported, performance.now() - t]));`;
  const imports: number[] = [];
  const calls: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH, ...LAMBDA_ENV, ...env } });
    if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr.split('\n').slice(0, 5).join('\n')}`);
    const [imported, answered] = JSON.parse(run.stdout) as [number, number];
    imports.push(imported);
    calls.push(answered);
  }
  return { importMs: median(imports), ...(call && { firstCallMs: median(calls) }) };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (n: number | undefined) => (n === undefined ? '' : `${n.toFixed(0)} ms`);
let failed = 0;
const missing = FUNCTIONS.filter((f) => !handlerExists(f)).map((f) => f.name);
if (missing.length > 0) console.log(`not built (no handler file yet): ${missing.join(', ')}`);
console.log(`function                    SDK      bundle       map   import  1st call  own code  MJML   target      (medians of ${RUNS})`);

async function measure(spec: FunctionSpec, label: string, bundleSdk: boolean, judge: boolean): Promise<void> {
  const outfile = join(work, label, 'index.mjs');
  let result;
  try {
    result = await build(esbuildOptions(handlerEntry(spec), outfile, { bundleSdk }));
  } catch (error) {
    console.log(`${label.padEnd(27)} cannot be bundled: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
    failed++;
    return;
  }
  const bytes = statSync(outfile).size;
  const mapBytes = statSync(`${outfile}.map`).size;
  const env = envOf(spec);
  const { importMs, firstCallMs } = coldStart(outfile, env, FIRST_CALL[spec.name] ? { call: { event: FIRST_CALL[spec.name] } } : {});
  const sdk = [...new Set(Object.values(result.metafile!.outputs).flatMap((o) => o.imports.filter((i) => i.external && i.kind === 'import-statement' && i.path.startsWith('@aws-sdk/')).map((i) => i.path)))];
  const ownMs = bundleSdk ? undefined : coldStart(outfile, env, { preload: sdk }).importMs;
  const carriesMjml = Object.keys(result.metafile!.inputs).some((input) => /node_modules\/mjml/.test(input));
  const verdicts: string[] = [];
  if (judge) {
    if (carriesMjml !== spec.rendersMjml) verdicts.push(carriesMjml ? 'FAIL (carries MJML)' : 'note: renders MJML but does not import it');
    const target = TARGETS[spec.name];
    if (target) verdicts.push(bytes <= target.bytes && importMs <= target.ms ? `PASS (≤ ${kb(target.bytes)}, ≤ ${target.ms} ms)` : `FAIL (≤ ${kb(target.bytes)}, ≤ ${target.ms} ms)`);
    if (verdicts.some((v) => v.startsWith('FAIL'))) failed++;
  } else verdicts.push('(comparison)');
  console.log(
    `${label.padEnd(27)} ${(bundleSdk ? 'bundled' : 'runtime').padEnd(7)} ${kb(bytes).padStart(8)}  ${kb(mapBytes).padStart(8)}  ${ms(importMs).padStart(7)}  ${ms(firstCallMs).padStart(8)}  ${ms(ownMs).padStart(8)}  ${(carriesMjml ? 'yes' : 'no').padEnd(5)}  ${verdicts.join('; ')}`,
  );
}

for (const spec of FUNCTIONS.filter(handlerExists)) {
  await measure(spec, spec.name, spec.bundlesSdk, true);
  if (spec.name === 'deliver' && spec.bundlesSdk) await measure(spec, 'deliver, with runtime SDK', false, false);
}
rmSync(work, { recursive: true, force: true });
process.exit(failed === 0 ? 0 : 1);
