import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { DataDirError, osReason, shown } from './data-errors.ts';

/**
 * Small state files of the local data directory (`endpoint.json`, `server.json`, `send.lock`):
 * written whole or not at all (a temporary file, synced, then renamed or linked into place), private
 * to the user (0600), and read with errors that name the file.
 */

const STALE_HINT = 'delete it if no newsletter command or server is running';

function writeTemp(path: string, text: string): string {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Replaces `path` with `text` atomically: a reader sees the old contents or the new, never a part. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = writeTemp(path, text);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Writes `value` as JSON to `path` atomically. */
export function writeStateFile(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value)}\n`);
}

/**
 * Creates `path` holding `text` only if it does not exist yet, atomically (a lock file: whoever sees
 * it sees all of it). Returns false when it exists already.
 */
export function createFileExclusive(path: string, text: string): boolean {
  const temp = writeTemp(path, text);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Reads a file's text; undefined when it does not exist; any other failure names the file. */
export function readStateText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataDirError('damaged', path, `${shown(path)} ${osReason(error)}`, { cause: error });
  }
}

/**
 * Reads a JSON state file and checks its shape; undefined when it does not exist. A file that is not
 * JSON or not of the expected shape is an error naming it (it is never silently replaced).
 */
export function readStateFile<T>(path: string, valid: (value: unknown) => value is T, shape: string): T | undefined {
  const text = readStateText(path);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const what = text.trim() === '' ? 'is empty' : `is not valid JSON (${(error as Error).message})`;
    throw new DataDirError('damaged', path, `${shown(path)} ${what}: ${STALE_HINT}`, { cause: error });
  }
  if (!valid(value)) throw new DataDirError('damaged', path, `${shown(path)} does not hold ${shape}: ${STALE_HINT}`);
  return value;
}

/** A process id and what it recorded (the shape of `endpoint.json` and `server.json`). */
export function isPidRecord<K extends string>(key: K): (value: unknown) => value is { pid: number } & Record<K, string> {
  return (value: unknown): value is { pid: number } & Record<K, string> => {
    const record = value as Record<string, unknown> | null;
    return typeof record === 'object' && record !== null && Number.isSafeInteger(record.pid) && (record.pid as number) > 0 && typeof record[key] === 'string';
  };
}

/** True when a process with this id is running (and may be signalled by us). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
