import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'functions/cli/bin.mjs');

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the `newsletter` command as a user would, in `cwd`. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const made = new Set<string>();

/**
 * A new directory under the OS temp dir, removed after the test file (tests/setup.ts) or, outside
 * vitest (the benchmarks), when the process exits.
 */
export function tempDir(prefix = 'newsletter-'): string {
  if (made.size === 0) process.once('exit', removeTempDirs);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every directory tempDir() has made so far. */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
  process.removeListener('exit', removeTempDirs);
}

/** Writes files (path → text or bytes) under a new temporary directory and returns it. */
export function tempTree(files: Record<string, string | Uint8Array>): string {
  const root = tempDir();
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body);
  }
  return root;
}
