import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutgoingMessage } from '../core/ports.ts';

export interface OutboxEntry {
  /** File name without `.eml`; sortable by time. */
  id: string;
  to: string;
  tags: Record<string, string>;
}

const EML = '.eml';
// An issue's message to one subscriber is named with this suffix: `-d` and 16 hex digits of its key.
const DELIVERY = /-d([0-9a-f]{16})$/;

/** The key of a message that is one issue's delivery to one subscriber, if its tags say so. */
function deliveryKey(tags: Record<string, string> | undefined): string | undefined {
  if (!tags?.issue || !tags.subscriber) return undefined;
  return createHash('sha256').update(`${tags.issue}\n${tags.subscriber}`).digest('hex').slice(0, 16);
}

const messageId = (id: string) => `outbox-${id}`;

/** Writes `data` to `path` whole or not at all, readable by the owner only. */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, data, { mode: 0o600, flag: 'wx' });
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A message's side file; an unreadable one (a message written by hand) gives empty fields. */
async function readMeta(path: string): Promise<{ to?: unknown; tags?: Record<string, string> }> {
  try {
    const meta: unknown = JSON.parse(await readFile(path, 'utf8'));
    return typeof meta === 'object' && meta !== null ? meta : {};
  } catch {
    return {};
  }
}

/**
 * Takes the SES adapter's place on one machine: every message is written as an `.eml` file in an
 * outbox directory (atomically), with a small JSON side file naming the envelope recipient and tags.
 *
 * It knows what it wrote, as SES's Send event does on AWS: a message tagged with an `issue` and a
 * `subscriber` that the outbox already holds is not written again, and `send` answers with the id
 * of the one on disk. So a send that crashed after writing a message but before recording it,
 * resumed at any later time, never writes a second copy. The key is in the file name, so the index
 * is one directory listing, made again only when another process has written to the outbox.
 */
export class FileMailer implements Mailer {
  private counter = 0;
  private index: { mtimeMs: number; byKey: Map<string, string> } | undefined;

  constructor(readonly dir: string) {}

  /** Delivery key → message id of every message in the outbox; listed again when the folder changed. */
  private async deliveries(): Promise<Map<string, string>> {
    const { mtimeMs } = await stat(this.dir);
    if (this.index?.mtimeMs === mtimeMs) return this.index.byKey;
    const byKey = new Map<string, string>();
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith(EML)) continue;
      const id = name.slice(0, -EML.length);
      const key = DELIVERY.exec(id)?.[1];
      if (key && !byKey.has(key)) byKey.set(key, id);
    }
    this.index = { mtimeMs, byKey };
    return byKey;
  }

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const key = deliveryKey(message.tags);
    if (key) {
      const written = (await this.deliveries()).get(key);
      if (written) return { messageId: messageId(written) };
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const id = `${stamp}-${process.pid}-${String(++this.counter).padStart(6, '0')}${key ? `-d${key}` : ''}`;
    await writeAtomic(join(this.dir, `${id}.json`), JSON.stringify({ to: message.to, from: message.from, tags: message.tags ?? {} }));
    // The message counts as written once its .eml is in place.
    await writeAtomic(join(this.dir, `${id}${EML}`), message.raw);
    if (this.index) {
      if (key) this.index.byKey.set(key, id);
      // Our own write changed the folder; only another process's call for a new listing. (One writing
      // an issue's messages at this very moment is excluded by the send lock; a confirmation mail has no key.)
      this.index.mtimeMs = (await stat(this.dir)).mtimeMs;
    }
    return { messageId: messageId(id) };
  }

  /** The id of every message in the outbox, oldest first (one directory listing, no file read). */
  async ids(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((n) => n.endsWith(EML)).sort().map((name) => name.slice(0, -EML.length));
  }

  /** Every message in the outbox, oldest first. */
  async list(): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    for (const id of await this.ids()) {
      const meta = await readMeta(join(this.dir, `${id}.json`));
      entries.push({ id, to: typeof meta.to === 'string' ? meta.to : '', tags: meta.tags ?? {} });
    }
    return entries;
  }

  /** The raw message, or undefined for an unknown id. */
  async read(id: string): Promise<Buffer | undefined> {
    if (!/^[A-Za-z0-9-]+$/.test(id)) return undefined;
    return readFile(join(this.dir, `${id}${EML}`)).catch(() => undefined);
  }
}
