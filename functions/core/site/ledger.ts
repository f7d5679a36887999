import pLimit from 'p-limit';
import type { SiteOutput } from '../ports.ts';
import { isBuiltPath } from '../urls.ts';
import { contentHash } from './hash.ts';
import type { SiteManifest } from './manifest.ts';

function own(record: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Paths a build may remove when it no longer produces them (and only if its manifest lists them):
 * article pages, list pages, a tag's or a newsletter's files, sitemap parts.
 */
export function isRemovable(path: string): boolean {
  return isBuiltPath(path);
}

/**
 * Writes the site through the output, skipping every file whose bytes are already there (by the last
 * manifest, and the output's listing when it has one), and records what this build produced. Writes
 * to one path are kept in order; at most 16 run at once.
 */
export class OutputLedger {
  readonly written = new Set<string>();
  readonly removed: string[] = [];
  unchanged = 0;
  private readonly files: Record<string, string> = {};
  private readonly shared: Record<string, string> = {};
  private readonly inputs: Record<string, string> = {};
  private readonly limit = pLimit(16);
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly output: SiteOutput,
    private readonly previous: SiteManifest | undefined,
    private readonly existing: ReadonlySet<string> | undefined,
  ) {}

  /** Whether `path` holds bytes with this hash now: written so by this build, or left so by the last. */
  holds(path: string, hash: string): boolean {
    const now = own(this.files, path) ?? own(this.shared, path);
    if (now !== undefined) return now === hash;
    const before = this.previous && (own(this.previous.files, path) ?? own(this.previous.shared, path));
    return before === hash && (this.existing?.has(path) ?? true);
  }

  /** Whether this build has produced `path` already. */
  produced(path: string): boolean {
    return Object.hasOwn(this.files, path) || Object.hasOwn(this.shared, path);
  }

  /** Writes one file unless it already holds these bytes. `shared` files are never removed by a build. */
  put(path: string, body: string | Uint8Array, contentType: string, options: { hash?: string; shared?: boolean } = {}): Promise<void> {
    const hash = options.hash ?? contentHash(body);
    const same = this.holds(path, hash);
    (options.shared ? this.shared : this.files)[path] = hash;
    if (same) {
      this.unchanged++;
      return this.queues.get(path) ?? Promise.resolve();
    }
    const previous = this.queues.get(path) ?? Promise.resolve();
    const next = previous.then(() => this.limit(() => this.output.write(path, body, contentType))).then(() => void this.written.add(path));
    this.queues.set(path, next);
    return next;
  }

  /**
   * Writes a file made from `inputs` (a key of everything it depends on): when the last build made it
   * from the same inputs and it is still in place, it is kept and `render` is never called.
   */
  putDerived(path: string, inputs: string, render: () => string | Uint8Array, contentType: string): Promise<void> {
    this.inputs[path] = inputs;
    const before = this.previous && own(this.previous.inputs ?? {}, path) === inputs ? own(this.previous.files, path) : undefined;
    if (before !== undefined && !this.produced(path) && this.holds(path, before)) {
      this.keep(path, before);
      return Promise.resolve();
    }
    return this.put(path, render(), contentType);
  }

  /** Records a file this build produces and that is already in place, without rendering it again. */
  keep(path: string, hash: string): void {
    this.files[path] = hash;
    this.unchanged++;
  }

  /** Takes back a file this build wrote but does not publish after all (a duplicate's page). */
  async discard(path: string): Promise<void> {
    await this.queues.get(path);
    delete this.files[path];
    if (this.output.remove) await this.output.remove(path);
    this.written.delete(path);
    this.removed.push(path);
  }

  /** Removes the pages the last build wrote and this one does not produce. Nothing else is touched. */
  async removeStale(): Promise<void> {
    if (!this.previous || !this.output.remove) return;
    const stale = Object.keys(this.previous.files).filter((path) => !this.produced(path) && isRemovable(path));
    await Promise.all(stale.map((path) => this.limit(() => this.output.remove!(path))));
    for (const path of stale) this.removed.push(path);
  }

  /** Waits for every write started. */
  async settle(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  manifest(now: Date, nextEmbargo: Date | undefined, published: SiteManifest['published']): SiteManifest {
    return { format: 1, now: now.toISOString(), nextEmbargo: nextEmbargo?.toISOString() ?? null, published, files: this.files, shared: this.shared, inputs: this.inputs };
  }
}
