import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VersionedFile } from '../core/ports.ts';
import type { ArticleProcessor, ProcessContext, ProcessedFile } from '../core/site/process.ts';
import type { PoolReply, PoolRequest } from './parse-worker.ts';

const BATCH = 48;
// Jobs queued at each thread, so that it never waits while the calling thread parses its own share.
const IN_FLIGHT = 4;
// Threads that stop this many times in a row without answering are not the files' fault (a broken
// worker entry): the rest is parsed on the calling thread.
const MAX_DEATHS_IN_A_ROW = 8;
// A worker that an article drives out of memory dies alone; its other files are retried one by one.
// Parsing allocates many short-lived objects: a young generation of 48 MB collects them less often.
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 48 };

export interface PoolOptions {
  /** Threads besides the calling one; by default one per core but one. */
  size?: number;
  /** Whether the calling thread parses its share too, between handling results (default true). */
  callingThread?: boolean;
  /** Fewer files than this are processed on the calling thread: starting threads would cost more. */
  minFiles?: number;
  /** The worker's entry module; by default `parse-worker.mjs` or `.ts` beside this module. */
  entry?: URL;
}

/**
 * The worker entry beside this module: the compiled `.mjs` or, running from the sources, the `.ts`.
 * Undefined where neither exists (code bundled into one file, as in a Lambda package).
 */
export function defaultWorkerEntry(): URL | undefined {
  for (const name of ['./parse-worker.mjs', './parse-worker.ts']) {
    const url = new URL(name, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

function spawn(entry: URL): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { resourceLimits: RESOURCE_LIMITS });
  // Running from the sources: the thread loads TypeScript through tsx, as the main thread does.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, resourceLimits: RESOURCE_LIMITS });
}

type Job = { id: number; files: VersionedFile[] };

/**
 * Parses articles and renders their pages on worker threads, one per core, when there are enough of
 * them to pay for the threads; otherwise, or where no worker entry exists, on the calling thread.
 * Threads stay up between runs (a watching server rebuilds often) and never keep the process alive.
 */
export class WorkerPool implements ArticleProcessor {
  private readonly size: number;
  private readonly callingThread: boolean;
  private readonly minFiles: number;
  private readonly entry: URL | undefined;
  private workers: Worker[] = [];
  private contextId = 0;
  private jobId = 0;
  private answered = false;

  constructor(options: PoolOptions = {}) {
    this.callingThread = options.callingThread ?? true;
    this.size = Math.max(1, options.size ?? availableParallelism() - (this.callingThread ? 1 : 0));
    this.minFiles = options.minFiles ?? 96;
    this.entry = options.entry ?? defaultWorkerEntry();
  }

  prepare(count: number): void {
    if (this.entry && count >= this.minFiles) this.ensureWorkers();
  }

  async run(files: VersionedFile[], context: ProcessContext, onResults: (results: ProcessedFile[]) => void): Promise<void> {
    if (files.length === 0) return;
    if (!this.entry || files.length < this.minFiles) return (await import('../core/site/process.ts')).inProcessProcessor.run(files, context, onResults);
    const workers = this.ensureWorkers();
    const contextId = ++this.contextId;
    const queue: Job[] = [];
    for (let i = 0; i < files.length; i += BATCH) queue.push({ id: ++this.jobId, files: files.slice(i, i + BATCH) });
    let remaining = queue.length;
    let deathsInARow = 0;
    const detach: (() => void)[] = [];
    await new Promise<void>((resolve, reject) => {
      const inFlight = new Map<Worker, Map<number, Job>>();
      const feed = (worker: Worker) => {
        const mine = inFlight.get(worker)!;
        while (mine.size < IN_FLIGHT && queue.length > 0) {
          const job = queue.shift()!;
          mine.set(job.id, job);
          worker.postMessage({ type: 'batch', id: job.id, context: contextId, files: job.files } satisfies PoolRequest);
        }
      };
      const finish = (results: ProcessedFile[]) => {
        try {
          onResults(results);
        } catch (error) {
          reject(error);
        }
        if (--remaining === 0) resolve();
      };
      const attach = (worker: Worker) => {
        inFlight.set(worker, new Map());
        worker.ref();
        worker.postMessage({ type: 'context', id: contextId, context } satisfies PoolRequest);
        const onMessage = (reply: PoolReply) => {
          deathsInARow = 0;
          this.answered = true;
          inFlight.get(worker)?.delete(reply.id);
          finish(reply.results);
          feed(worker);
        };
        const onExit = () => {
          // The thread works through its jobs in order: the oldest unanswered one stopped it, the
          // others had not started. That one is retried a file per job on a fresh thread, and a
          // single file that stops a thread is its own problem; the others go back to the queue.
          const [culprit, ...waiting] = [...(inFlight.get(worker)?.values() ?? [])];
          inFlight.delete(worker);
          this.workers = this.workers.filter((w) => w !== worker);
          if (remaining === 0) return;
          queue.unshift(...waiting);
          if (++deathsInARow >= MAX_DEATHS_IN_A_ROW) {
            const jobs = [...(culprit ? [culprit] : []), ...queue.splice(0)];
            void import('../core/site/process.ts').then(({ processFile }) => {
              for (const job of jobs) finish(job.files.map((file) => processFile(file, context)));
            }, reject);
            return;
          }
          // Until a thread has answered once, a thread that stops says nothing about the files it held.
          if (culprit && !this.answered) queue.unshift(culprit);
          else if (culprit && culprit.files.length === 1) {
            const file = culprit.files[0]!;
            const message = 'cannot be parsed: the parser ran out of memory or stopped on this file';
            finish([{ path: file.path, version: file.version, hash: '', result: { ok: false, problem: { file: file.path, line: undefined, message } } }]);
          } else if (culprit) {
            remaining += culprit.files.length - 1;
            queue.unshift(...culprit.files.map((f) => ({ id: ++this.jobId, files: [f] })));
          }
          if (remaining === 0) return;
          const fresh = this.ensureWorkers().find((w) => !inFlight.has(w));
          if (fresh) {
            attach(fresh);
            feed(fresh);
          }
        };
        worker.on('message', onMessage);
        worker.once('exit', onExit);
        detach.push(() => {
          worker.off('message', onMessage);
          worker.off('exit', onExit);
          worker.unref();
        });
      };
      for (const worker of workers) attach(worker);
      for (const worker of workers) feed(worker);
      if (!this.callingThread) return;
      // The calling thread takes a job whenever it is free, and lets the threads' results in between.
      void import('../core/site/process.ts').then(({ processFile }) => {
        const step = () => {
          const job = queue.shift();
          if (!job) return;
          finish(job.files.map((file) => processFile(file, context)));
          setImmediate(step);
        };
        setImmediate(step);
      }, reject);
    }).finally(() => {
      for (const undo of detach) undo();
    });
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private ensureWorkers(): Worker[] {
    while (this.workers.length < this.size) {
      const worker = spawn(this.entry!);
      worker.unref();
      // An error ends the thread; its 'exit' is handled. A thread that ends between runs is replaced at the next.
      worker.on('error', () => {});
      worker.on('exit', () => void (this.workers = this.workers.filter((w) => w !== worker)));
      this.workers.push(worker);
    }
    return this.workers;
  }
}
