import { chmodSync, lstatSync, mkdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { DataDirError, osReason, shown } from './data-errors.ts';

/** Folders of the data directory are the user's alone; so are its files. */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

function tighten(path: string, info: Stats, mode: number): void {
  if ((info.mode & 0o777 & ~mode) === 0) return;
  try {
    chmodSync(path, mode);
  } catch {
    // Not ours to change (another owner): its own permissions stand.
  }
}

/** Creates `dir` (and missing parents) as 0700, or tightens an existing one to 0700. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  tighten(dir, statSync(dir), PRIVATE_DIR);
}

/** Tightens an existing file to 0600 (files written before the data directory was private). */
export function privateFile(path: string): void {
  try {
    tighten(path, statSync(path), PRIVATE_FILE);
  } catch {
    // Gone meanwhile: nothing to protect.
  }
}

/**
 * New files of this process are private from now on (0600, folders 0700). The embedded store's
 * engine creates its files 0644 and takes no mode, so the process umask is the only way to make
 * them private. Worker threads cannot change it; they rely on the 0700 folders.
 */
export function privateUmask(): void {
  if (isMainThread) process.umask(0o077);
}

/**
 * Makes sure the local data directory can be used: there (created 0700 when `create` is set, or
 * tightened to 0700), a directory, and reachable. A symbolic link to a directory is followed.
 * Returns the directory; throws a DataDirError naming it otherwise.
 */
export function prepareDataDir(dir: string, options: { create: boolean }): string {
  let link: Stats;
  try {
    link = lstatSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new DataDirError('damaged', dir, `data directory ${shown(dir)} ${osReason(error)}`, { cause: error });
    if (!options.create) throw new DataDirError('missing-dir', dir, `data directory ${shown(dir)} does not exist`);
    privateDir(dir);
    return dir;
  }
  let info = link;
  if (link.isSymbolicLink()) {
    try {
      info = statSync(dir);
    } catch (error) {
      const target = readlinkSync(dir);
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'which does not exist' : code === 'ELOOP' ? 'which leads back to itself' : `which ${osReason(error)}`;
      throw new DataDirError('damaged', dir, `data directory ${shown(dir)} is a symbolic link to ${target}, ${why}`, { cause: error });
    }
  }
  if (!info.isDirectory()) throw new DataDirError('damaged', dir, `data directory ${shown(dir)} is not a directory`);
  tighten(dir, info, PRIVATE_DIR);
  return dir;
}
