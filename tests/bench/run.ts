// `npm run bench`: every benchmark in turn, each printing its figures and ratios.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const benches = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts' && (only.length === 0 || only.some((o) => f.includes(o))));
let failed = 0;
for (const file of benches.sort()) {
  console.log(`\n## ${file.replace(/\.ts$/, '')}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
