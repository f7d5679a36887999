import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Set by the compile step (functions/cli/compile.mjs) to the hash of the sources it compiled.
declare const __NEWSLETTER_CODE_VERSION__: string | undefined;

let memo: string | undefined;

/** The hash of every TypeScript source under `functions/` and the lockfile: what the compile step stamps. */
export function sourceTreeVersion(projectRoot: string): string {
  const hash = createHash('sha256');
  const functions = join(projectRoot, 'functions');
  const files = (readdirSync(functions, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.split(/[\\/]/).some((p) => p.startsWith('.'))).sort();
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(functions, file))).update('\0');
  hash.update(readFileSync(join(projectRoot, 'package-lock.json')));
  return hash.digest('base64url');
}

/**
 * Identifies the running code, for keying caches of its output: the stamp the compile step left, the
 * hash of the bundle this module was bundled into, or, running from the sources, the hash of the
 * source tree and lockfile. Computed once per process.
 */
export function codeVersion(): string {
  if (memo) return memo;
  if (typeof __NEWSLETTER_CODE_VERSION__ === 'string') return (memo = __NEWSLETTER_CODE_VERSION__);
  const here = fileURLToPath(import.meta.url);
  memo = here.endsWith('.ts') ? sourceTreeVersion(resolve(dirname(here), '../..')) : createHash('sha256').update(readFileSync(here)).digest('base64url');
  return memo;
}
