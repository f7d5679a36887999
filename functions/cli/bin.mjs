#!/usr/bin/env node
// The `newsletter` command. Runs the copy compiled into functions/.compiled/ (`npm ci` makes it) when
// that copy is newer than every source it came from; otherwise the TypeScript sources through tsx, so
// that code being edited is never run stale.
import { readdirSync, statSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Node 22.1+ keeps compiled code between runs.
module.enableCompileCache?.();

const functions = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(functions, '.compiled', 'main.mjs');

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Whether the compiled copy exists and no source (nor the lockfile) changed after it was made. */
function compiledIsCurrent() {
  const made = mtime(compiled);
  if (made === undefined) return false;
  if ((mtime(join(functions, '..', 'package-lock.json')) ?? 0) > made) return false;
  for (const name of readdirSync(functions, { recursive: true })) {
    if (!(name.endsWith('.ts') || name.endsWith('compile.mjs')) || name.startsWith('.')) continue;
    if ((mtime(join(functions, name)) ?? 0) > made) return false;
  }
  return true;
}

let main;
if (process.env.NEWSLETTER_FROM_SOURCES !== '1' && compiledIsCurrent()) {
  ({ main } = await import(compiled));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv);
