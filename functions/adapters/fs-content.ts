import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ContentFile } from '../core/articles/types.ts';
import type { ContentEntry, ContentSource, ReadOptions, VersionedFile } from '../core/ports.ts';
import { DEFAULT_MAX_READ_BYTES, tooLarge } from './read-limits.ts';

// O_NOFOLLOW: a symlink is never opened by accident; O_NONBLOCK: opening a FIFO never waits for a writer.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
// A file changed this recently may change again within the file system's timestamp granularity
// without its times moving: it gets no version, so the next build reads it (git's "racily clean").
const RACY_MS = 2_000;

type Found = { ok: true; real: string; stats: Stats } | { ok: false; reason: string };

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

function versionOf(stats: Stats, nowMs: number): string | undefined {
  if (stats.ctimeMs > nowMs - RACY_MS || stats.mtimeMs > nowMs - RACY_MS) return undefined;
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/**
 * Content files from a local directory. Only regular files inside the directory are read: a symlink
 * is followed only to a regular file that is itself inside; devices, FIFOs, dangling or looping links
 * and links to directories are listed as unreadable, and no file is read past the size limit.
 * Names starting with a dot are skipped. Reads are synchronous: for thousands of small files that is
 * several times faster than awaiting each one.
 */
export class FileContentSource implements ContentSource {
  private readonly root: string;
  private realRoot: string | undefined;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async list(options: ReadOptions = {}): Promise<ContentFile[]> {
    return this.readEntries(await this.entries(options), options);
  }

  async entries(options: ReadOptions = {}): Promise<ContentEntry[]> {
    const root = this.resolveRoot();
    const limit = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
    const nowMs = Date.now();
    const out: ContentEntry[] = [];
    const dirs: string[] = [''];
    while (dirs.length > 0) {
      const dir = dirs.pop()!;
      let names;
      try {
        names = readdirSync(join(root, dir), { withFileTypes: true });
      } catch (error) {
        if (dir === '') throw new Error(`content directory ${this.root} cannot be read`, { cause: error });
        out.push({ path: dir, version: undefined, unreadable: `folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
        continue;
      }
      for (const dirent of names) {
        if (dirent.name.startsWith('.')) continue;
        const path = dir ? `${dir}/${dirent.name}` : dirent.name;
        if (dirent.isDirectory()) {
          dirs.push(path);
          continue;
        }
        const found = this.find(join(root, path), dirent.isSymbolicLink());
        if (!found.ok) {
          out.push({ path, version: undefined, unreadable: found.reason });
          continue;
        }
        const size = found.stats.size;
        if (size > limit) out.push({ path, version: undefined, unreadable: tooLarge(size, limit, options.limitName) });
        else out.push({ path, version: versionOf(found.stats, nowMs) });
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async readEntries(entries: readonly ContentEntry[], options: ReadOptions = {}): Promise<VersionedFile[]> {
    const root = this.resolveRoot();
    const limit = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
    const nowMs = Date.now();
    const files: VersionedFile[] = [];
    for (const entry of entries) {
      if (entry.unreadable !== undefined) {
        files.push({ path: entry.path, bytes: new Uint8Array(0), unreadable: entry.unreadable, version: undefined });
        continue;
      }
      const result = this.readSafely(root, entry.path, limit, options.limitName, nowMs);
      if (result === undefined) continue;
      files.push(
        typeof result === 'string'
          ? { path: entry.path, bytes: new Uint8Array(0), unreadable: result, version: undefined }
          : { path: entry.path, bytes: result.bytes, version: result.version },
      );
    }
    return files;
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    const full = join(this.root, path);
    if (relative(this.root, full).startsWith('..')) throw new Error(`path ${path} is outside the content directory`);
    let root: string;
    try {
      root = this.resolveRoot();
    } catch (error) {
      if ((error as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined;
      throw error;
    }
    const result = this.readSafely(root, relative(this.root, full).split(sep).join('/'), DEFAULT_MAX_READ_BYTES);
    if (typeof result === 'string') throw new Error(`${path}: ${result}`);
    return result?.bytes;
  }

  private resolveRoot(): string {
    if (this.realRoot === undefined) {
      try {
        this.realRoot = realpathSync(this.root);
      } catch (cause) {
        throw new Error(`content directory ${this.root} cannot be read`, { cause });
      }
    }
    return this.realRoot;
  }

  /** Whether a resolved path is the root or inside it. */
  private inside(real: string): boolean {
    const root = this.resolveRoot();
    return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
  }

  /** Where a listed name leads: a regular file inside the root, or why it is not read. */
  private find(full: string, isLink: boolean): Found {
    try {
      if (!isLink) {
        const stats = lstatSync(full);
        return stats.isFile() ? { ok: true, real: full, stats } : { ok: false, reason: `${kindOf(stats)}, not a regular file: not read` };
      }
      let real: string;
      try {
        real = realpathSync(full);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return { ok: false, reason: 'symbolic link to a file that does not exist (dangling link): not read' };
        if (code === 'ELOOP') return { ok: false, reason: 'symbolic link loop: not read' };
        throw error;
      }
      if (!this.inside(real)) return { ok: false, reason: 'symbolic link to a file outside the content directory: not read' };
      const stats = statSync(real);
      if (stats.isDirectory()) return { ok: false, reason: 'symbolic link to a folder: not followed (move the files into the content directory)' };
      if (!stats.isFile()) return { ok: false, reason: `symbolic link to ${kindOf(stats)}, not a regular file: not read` };
      return { ok: true, real, stats };
    } catch (error) {
      return { ok: false, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
    }
  }

  /**
   * The bytes of one file, a reason it is not read, or undefined when it is gone. The checks made when
   * listing are made again on the open descriptor: the file may have been swapped since.
   */
  private readSafely(root: string, path: string, limit: number, limitName?: string, nowMs = Date.now()): { bytes: Uint8Array; version: string | undefined } | string | undefined {
    let full = join(root, path);
    let fd: number;
    try {
      if (!this.inside(realpathSync(dirname(full)))) return 'inside a folder that leads outside the content directory: not read';
      try {
        fd = openSync(full, OPEN_FLAGS);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
        const found = this.find(full, true);
        if (!found.ok) return found.reason;
        full = found.real;
        fd = openSync(full, OPEN_FLAGS);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      return `cannot be read (${code ?? (error as Error).message})`;
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) return `${kindOf(stats)}, not a regular file: not read`;
      const size = stats.size;
      if (size > limit) return tooLarge(size, limit, limitName);
      const buffer = Buffer.allocUnsafe(size + 1);
      let got = 0;
      for (;;) {
        const n = readSync(fd, buffer, got, buffer.length - got, got);
        if (n === 0) break;
        got += n;
        if (got === buffer.length) return 'changed while it was being read: build again';
      }
      return { bytes: buffer.subarray(0, got), version: versionOf(stats, nowMs) };
    } catch (error) {
      return `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    } finally {
      closeSync(fd);
    }
  }
}
