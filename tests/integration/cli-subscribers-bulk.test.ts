import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir, tempTree } from '../helpers/cli.ts';
import { settingsYaml } from '../helpers/factories.ts';

const ROWS = 100_000;

async function writeList(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('email,name\n');
  for (let i = 0; i < ROWS; i++) {
    if (!out.write(`reader${i}@list${i % 97}.example.com,Reader ${i}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('newsletter subscribers import at scale', () => {
  it(`imports ${ROWS.toLocaleString('en')} rows and status counts them`, async () => {
    const content = tempTree({ 'publication.yaml': settingsYaml() });
    const cwd = tempDir();
    await writeList(join(cwd, 'big.csv'));
    const env = { TOKEN_SECRET: 'subscribers-bulk-test-secret-long-enough' };

    const started = performance.now();
    // Spawned here rather than through runCli, whose two-minute limit would cut a slow machine short.
    const run = spawnSync(process.execPath, [BIN, 'subscribers', 'import', 'big.csv', '--content', content, '--data', 'store', '--create'], {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 600_000,
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`imported ${ROWS} rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s, process start included)`);
    expect(run.stdout).toBe(`imported ${ROWS}\nalready present 0\nbad rows 0\n`);
    expect(run.status).toBe(0);
    // Not a terminal: progress comes as plain lines, one per 10,000 rows.
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr).toMatch(/^rows 10000 · imported \d+ · already present 0 · bad 0$/m);

    const status = runCli(['status', '--content', content, '--data', 'store'], { cwd, env });
    expect(status.stdout).toContain(`subscribers: 0 pending, ${ROWS} confirmed, 0 unsubscribed, 0 suppressed`);
  }, 900_000);
});
