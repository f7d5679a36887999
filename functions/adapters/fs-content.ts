import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ContentFile } from '../core/articles/types.ts';
import type { ContentSource } from '../core/ports.ts';

/** Content files from a local directory. */
export class FileContentSource implements ContentSource {
  constructor(private readonly root: string) {}

  async list(): Promise<ContentFile[]> {
    let entries: string[];
    try {
      entries = await readdir(this.root, { recursive: true });
    } catch (cause) {
      throw new Error(`content directory ${this.root} cannot be read`, { cause });
    }
    const files: ContentFile[] = [];
    for (const entry of entries.sort()) {
      const path = entry.split(sep).join('/');
      if (path.split('/').some((part) => part.startsWith('.'))) continue;
      try {
        files.push({ path, bytes: await readFile(join(this.root, entry)) });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
      }
    }
    return files;
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    const full = join(this.root, path);
    if (relative(this.root, full).startsWith('..')) throw new Error(`path ${path} is outside the content directory`);
    try {
      return await readFile(full);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
