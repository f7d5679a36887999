import type { ContentFile } from '../../functions/core/articles/types.ts';
import type { ContentSource, Logger, SiteOutput } from '../../functions/core/ports.ts';
import type { MetricsSink } from '../../functions/core/sending/ports.ts';

export class MemoryContent implements ContentSource {
  constructor(readonly files: Map<string, Uint8Array> = new Map()) {}
  add(path: string, text: string | Uint8Array): this {
    this.files.set(path, typeof text === 'string' ? new TextEncoder().encode(text) : text);
    return this;
  }
  async list(): Promise<ContentFile[]> {
    return [...this.files].map(([path, bytes]) => ({ path, bytes }));
  }
  async read(path: string): Promise<Uint8Array | undefined> {
    return this.files.get(path);
  }
}

export class MemoryOutput implements SiteOutput {
  readonly files = new Map<string, { body: string; type: string }>();
  async write(path: string, body: string | Uint8Array, type: string): Promise<void> {
    this.files.set(path, { body: typeof body === 'string' ? body : new TextDecoder().decode(body), type });
  }
  text(path: string): string {
    const file = this.files.get(path);
    if (!file) throw new Error(`${path} was not written; written: ${[...this.files.keys()].join(', ')}`);
    return file.body;
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown> | undefined;
}

export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

/** Keeps every publication of metrics, as the CloudWatch lines would carry them. */
export function memoryMetrics<Name extends string>(): MetricsSink<Name> & { published: Partial<Record<Name, number>>[]; total(name: Name): number } {
  const published: Partial<Record<Name, number>>[] = [];
  return {
    published,
    publish: (values) => void published.push({ ...values }),
    total: (name) => published.reduce((n, values) => n + (values[name] ?? 0), 0),
  };
}
