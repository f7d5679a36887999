import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutgoingMessage } from '../core/ports.ts';

export interface OutboxEntry {
  /** File name without `.eml`; sortable by time. */
  id: string;
  to: string;
  tags: Record<string, string>;
}

/**
 * Takes the SES adapter's place on one machine: every message is written as an `.eml` file in an
 * outbox directory (atomically), with a small JSON side file naming the envelope recipient and tags.
 */
export class FileMailer implements Mailer {
  private counter = 0;
  constructor(readonly dir: string) {}

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    await mkdir(this.dir, { recursive: true });
    const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${String(++this.counter).padStart(6, '0')}`;
    const eml = join(this.dir, `${id}.eml`);
    await writeFile(join(this.dir, `${id}.json`), JSON.stringify({ to: message.to, from: message.from, tags: message.tags ?? {} }));
    await writeFile(`${eml}.tmp`, message.raw);
    await rename(`${eml}.tmp`, eml);
    return { messageId: `outbox-${id}-${randomUUID().slice(0, 8)}` };
  }

  /** Every message in the outbox, oldest first. */
  async list(): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: OutboxEntry[] = [];
    for (const name of names.filter((n) => n.endsWith('.eml')).sort()) {
      const id = name.slice(0, -4);
      const meta = JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8').catch(() => '{}')) as { to?: string; tags?: Record<string, string> };
      entries.push({ id, to: meta.to ?? '', tags: meta.tags ?? {} });
    }
    return entries;
  }

  /** The raw message, or undefined for an unknown id. */
  async read(id: string): Promise<Buffer | undefined> {
    if (!/^[A-Za-z0-9-]+$/.test(id)) return undefined;
    return readFile(join(this.dir, `${id}.eml`)).catch(() => undefined);
  }
}
