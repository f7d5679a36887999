import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { SITE_STATE_DIR, type SiteOutput } from '../core/ports.ts';

/** The folder of a site directory that holds the build's own records; servers must not serve dot-folders. */
const STATE_DIR = SITE_STATE_DIR;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Writes the site into a local directory. A new file is written in place; an existing one is replaced
 * atomically (written under a hidden temporary name, then renamed), so a reader never sees half of it.
 * Writes are synchronous: for thousands of small files that is several times faster than awaiting each.
 */
export class FileSiteOutput implements SiteOutput {
  private readonly made = new Set<string>();
  constructor(private readonly root: string) {}

  async write(path: string, body: string | Uint8Array): Promise<void> {
    this.writeFile(this.resolve(path), body);
  }

  /** Deletes one file, and the folders it leaves empty (a tag's folder goes with its last file). */
  async remove(path: string): Promise<void> {
    const full = this.resolve(path);
    try {
      unlinkSync(full);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    for (let dir = dirname(full); relative(this.root, dir) !== '' && !relative(this.root, dir).startsWith('..'); dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        // Not empty (or already gone): the folders above it stay too.
        break;
      }
      this.made.delete(dir);
    }
  }

  async existing(): Promise<ReadonlySet<string>> {
    const found = new Set<string>();
    const dirs = [''];
    while (dirs.length > 0) {
      const dir = dirs.pop()!;
      let entries;
      try {
        entries = readdirSync(join(this.root, dir), { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) continue;
        throw error;
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const path = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) dirs.push(path);
        else found.add(path);
      }
    }
    return found;
  }

  async loadState(name: string): Promise<Uint8Array | undefined> {
    try {
      return readFileSync(join(this.root, STATE_DIR, name));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async saveState(name: string, body: Uint8Array): Promise<void> {
    this.replace(join(this.root, STATE_DIR, name), body);
  }

  private resolve(path: string): string {
    const full = join(this.root, path);
    if (relative(this.root, full).startsWith('..')) throw new Error(`path ${path} is outside the output directory`);
    return full;
  }

  private ensureDir(dir: string): void {
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
  }

  private writeFile(full: string, body: string | Uint8Array): void {
    this.ensureDir(dirname(full));
    let fd: number;
    try {
      fd = openSync(full, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      this.replace(full, body);
      return;
    }
    try {
      writeFileSync(fd, body);
    } finally {
      closeSync(fd);
    }
  }

  private replace(full: string, body: string | Uint8Array): void {
    this.ensureDir(dirname(full));
    const temp = join(dirname(full), `.${basename(full)}.${process.pid}.tmp`);
    writeFileSync(temp, body);
    renameSync(temp, full);
  }
}
