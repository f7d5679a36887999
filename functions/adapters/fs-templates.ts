import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TemplateNotFoundError } from '../core/digest/errors.ts';
import type { TemplateSource } from '../core/ports.ts';

/** Templates from the `templates/` directory, read once each. */
export class FileTemplateSource implements TemplateSource {
  private readonly cache = new Map<string, Promise<string>>();
  constructor(private readonly root: string) {}

  load(name: string): Promise<string> {
    let text = this.cache.get(name);
    if (!text) {
      text = readFile(join(this.root, name), 'utf8').catch((cause: unknown) => {
        this.cache.delete(name);
        const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
        throw new (missing ? TemplateNotFoundError : Error)(`template ${name} ${missing ? 'not found' : 'cannot be read'} in ${this.root}`, { cause });
      });
      this.cache.set(name, text);
    }
    return text;
  }
}
