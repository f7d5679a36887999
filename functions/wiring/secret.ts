import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { osReason, SecretError, shown } from './data-errors.ts';
import { privateDir, privateFile } from './data-dir.ts';
import { storeHasData } from './embedded-store.ts';
import { createFileExclusive } from './state-file.ts';
import { MIN_KEY_BYTES as MIN_BYTES } from '../core/tokens.ts';

/** The file in the local data directory that holds a machine's own signing key (git-ignored). */
export const SECRET_FILE = 'token-secret';

const VOIDS = 'a new key would void every confirm and unsubscribe link already mailed';

/** The key in `file`; undefined when there is no such file. Anything else wrong with it is an error naming it. */
function readKeyFile(file: string, storeExists: boolean): string | undefined {
  const wayOut = storeExists ? `restore it from a backup, or set TOKEN_SECRET to the key it held (${VOIDS})` : 'delete it to make a new one';
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new SecretError(file, `${shown(file)} is not a regular file: ${wayOut}`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof SecretError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SecretError(file, `${shown(file)} ${osReason(error)}`, { cause: error });
  }
  const key = text.trim();
  if (key.length === 0) throw new SecretError(file, `${shown(file)} is empty: ${wayOut}`);
  if (Buffer.byteLength(key) < MIN_BYTES) throw new SecretError(file, `${shown(file)} holds a key shorter than ${MIN_BYTES} bytes: ${wayOut}`);
  privateFile(file);
  return key;
}

/**
 * The token signing key: `TOKEN_SECRET` (at least 32 bytes) when set; otherwise, on one machine, a
 * random key created once in `token-secret` of the data directory and reused from then on. A missing
 * key file beside a store that holds subscribers is an error, never silently replaced: every link
 * already mailed was signed with the old key.
 */
export function tokenSecret(env: NodeJS.ProcessEnv = process.env, dataDir = '.data'): string {
  const fromEnv = env.TOKEN_SECRET;
  if (fromEnv !== undefined) {
    if (Buffer.byteLength(fromEnv) < MIN_BYTES) throw new SecretError('TOKEN_SECRET', `Environment variable TOKEN_SECRET must be at least ${MIN_BYTES} bytes`);
    return fromEnv;
  }
  const dir = resolve(dataDir);
  const file = join(dir, SECRET_FILE);
  const storeExists = storeHasData(dir);
  const stored = readKeyFile(file, storeExists);
  if (stored !== undefined) return stored;
  if (storeExists) {
    // Earlier versions kept the key of `--data DIR` in DIR/../.data/token-secret.
    const earlier = resolve(dir, '..', '.data', SECRET_FILE);
    if (earlier !== file && existsSync(earlier)) {
      throw new SecretError(file, `${shown(file)} is missing beside the embedded store in ${shown(dir)}: earlier versions kept it in ${shown(earlier)}, and there is one there: move it to ${shown(file)}`);
    }
    throw new SecretError(file, `${shown(file)} is missing beside the embedded store in ${shown(dir)}: restore it from a backup, or set TOKEN_SECRET to the key it held (${VOIDS})`);
  }
  privateDir(dir);
  const key = randomBytes(MIN_BYTES).toString('base64url');
  // Another process may make it at the same moment: then theirs is the key.
  if (createFileExclusive(file, `${key}\n`)) return key;
  const theirs = readKeyFile(file, false);
  if (theirs === undefined) throw new SecretError(file, `${shown(file)} was removed while it was being made; run the command again`);
  return theirs;
}
