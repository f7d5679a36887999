import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { SiteOutput } from '../core/ports.ts';

/** Writes the site into a local directory; each file is replaced atomically (write, then rename). */
export class FileSiteOutput implements SiteOutput {
  private readonly made = new Set<string>();
  constructor(private readonly root: string) {}

  async write(path: string, body: string | Uint8Array): Promise<void> {
    const full = join(this.root, path);
    if (relative(this.root, full).startsWith('..')) throw new Error(`path ${path} is outside the output directory`);
    const dir = dirname(full);
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    const temp = `${full}.${process.pid}.tmp`;
    await writeFile(temp, body);
    await rename(temp, full);
  }
}
