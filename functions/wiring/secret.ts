import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MIN_KEY_BYTES as MIN_BYTES } from '../core/tokens.ts';

/** Where a machine without `TOKEN_SECRET` keeps its own signing key (git-ignored). */
export const LOCAL_SECRET_FILE = '.data/token-secret';

/**
 * The token signing key: `TOKEN_SECRET` (at least 32 bytes) when set; otherwise, on one machine, a
 * random key created once in `.data/token-secret` under `root` and reused from then on.
 */
export function tokenSecret(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): string {
  const fromEnv = env.TOKEN_SECRET;
  if (fromEnv !== undefined) {
    if (Buffer.byteLength(fromEnv) < MIN_BYTES) throw new Error(`Environment variable TOKEN_SECRET must be at least ${MIN_BYTES} bytes`);
    return fromEnv;
  }
  const file = resolve(root, LOCAL_SECRET_FILE);
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (Buffer.byteLength(stored) >= MIN_BYTES) return stored;
    throw new Error(`${file} holds a key shorter than ${MIN_BYTES} bytes: delete it to make a new one`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(MIN_BYTES).toString('base64url');
  try {
    writeFileSync(file, `${key}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
  chmodSync(file, 0o600);
  return key;
}
