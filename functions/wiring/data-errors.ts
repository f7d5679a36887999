import { isAbsolute, relative } from 'node:path';

/** What is wrong with the local data directory; `missing-dir` is the caller's argument, the rest is on disk. */
export type DataDirProblem = 'missing-dir' | 'damaged' | 'in-use';

/**
 * The local data directory (embedded store, state files, token key) cannot be used as it is. The
 * message is one line naming the file and the way out; nothing on disk was changed.
 */
export class DataDirError extends Error {
  override name = 'DataDirError';
  constructor(
    readonly problem: DataDirProblem,
    /** The file or directory at fault. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The token signing key cannot be used (`TOKEN_SECRET`, or the data directory's `token-secret`). */
export class SecretError extends Error {
  override name = 'SecretError';
  constructor(
    /** `TOKEN_SECRET` or the key file's path. */
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A path as the person at the terminal would type it: relative to the working directory when inside it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The operating system's reason in a few words (`permission denied`), without the errno prefix. */
export function osReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'is not a directory';
    case 'ELOOP':
      return 'is a symbolic link loop';
    default:
      return e.message ?? String(error);
  }
}
