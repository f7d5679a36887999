import { existsSync, watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/ports.ts';
import type { Settings } from '../core/settings.ts';
import type { LocalPaths } from '../wiring/site.ts';
import type { BuildSummary, BuildWorkerData, WorkerMessage } from './build-worker.ts';

export interface SiteRebuilds {
  /** Rebuilds the site; a call during a build is served by one more build after it. */
  rebuild(): Promise<BuildSummary>;
  close(): Promise<void>;
}

/** Content changes closer together than this make one rebuild. */
const DEBOUNCE_MS = 200;
/** The site is rebuilt this long after a scheduled article's time, so the build surely sees it as published. */
const EMBARGO_MARGIN_MS = 1000;
/** The longest delay a Node timer takes (about 24.8 days); a later embargo is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The local site, kept current: built in a worker thread (requests are never held up by a build),
 * again on every content change, and again when the next scheduled article's time comes, so the site
 * follows the calendar without anyone touching the content.
 */
export function siteRebuilds(options: { paths: LocalPaths; settings: Settings; log: Logger; store?: BuildWorkerData['store'] }): SiteRebuilds {
  const { log } = options;
  const paths: LocalPaths = { content: resolve(options.paths.content), out: resolve(options.paths.out), templates: options.paths.templates === undefined ? undefined : resolve(options.paths.templates) };
  let closed = false;
  let worker: Worker | undefined;
  let waiting: { resolve(summary: BuildSummary): void; reject(error: Error): void } | undefined;
  let current: Promise<BuildSummary> | undefined;
  let next: Promise<BuildSummary> | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let wake: NodeJS.Timeout | undefined;

  const settle = (outcome: { summary: BuildSummary } | { error: Error }) => {
    const w = waiting;
    waiting = undefined;
    if ('summary' in outcome) w?.resolve(outcome.summary);
    else w?.reject(outcome.error);
  };

  const startWorker = (): Worker => {
    // The compiled build-worker.mjs beside this code (functions/.compiled/), or, running from the
    // sources, build-worker.ts through a starter that registers the TypeScript loader in the thread.
    const compiled = new URL('./build-worker.mjs', import.meta.url);
    const fromCompiled = existsSync(fileURLToPath(compiled));
    const entry = fromCompiled ? compiled : new URL('./build-worker.ts', import.meta.url);
    const data: BuildWorkerData = { entry: entry.href, paths, settings: options.settings, store: options.store };
    const started = new Worker(fromCompiled ? compiled : new URL('./worker.mjs', import.meta.url), { workerData: data });
    started.on('message', (message: WorkerMessage) => {
      if (message.kind === 'log') log[message.level](message.message, message.fields);
      else if (message.kind === 'built') settle({ summary: message.summary });
      else settle({ error: new Error(message.message) });
    });
    started.on('error', (error) => settle({ error }));
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      settle({ error: new Error(`the build thread stopped (exit code ${code})`) });
    });
    return started;
  };

  const buildOnce = () =>
    new Promise<BuildSummary>((resolveBuild, rejectBuild) => {
      waiting = { resolve: resolveBuild, reject: rejectBuild };
      worker ??= startWorker();
      worker.postMessage('build');
    });

  /** Wakes for the earliest scheduled article still to come. */
  const wakeForEmbargo = (summary: BuildSummary): string => {
    clearTimeout(wake);
    const now = Date.now();
    const upcoming = summary.scheduled.map((date) => Date.parse(date)).filter((time) => time > now).sort((a, b) => a - b)[0];
    if (upcoming === undefined || closed) return '';
    wake = setTimeout(inBackground, Math.min(upcoming - now + EMBARGO_MARGIN_MS, MAX_TIMER_MS));
    return `; next scheduled article at ${new Date(upcoming).toISOString()}`;
  };

  const rebuild = (): Promise<BuildSummary> => {
    if (closed) return Promise.reject(new Error('the server is stopping'));
    if (current) {
      next ??= current.catch(() => undefined).then(() => {
        next = undefined;
        return rebuild();
      });
      return next;
    }
    current = buildOnce()
      .then((summary) => {
        log.info(`site rebuilt: ${summary.published} article(s), ${summary.problems} left out${wakeForEmbargo(summary)}`);
        return summary;
      })
      .finally(() => {
        current = undefined;
      });
    return current;
  };

  function inBackground(): void {
    rebuild().catch((error: unknown) => {
      if (!closed) log.error(`rebuild failed: ${(error as Error).message}`);
    });
  }

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(paths.content, { recursive: true }, () => {
      clearTimeout(debounce);
      debounce = setTimeout(inBackground, DEBOUNCE_MS);
    });
  } catch (error) {
    log.warn(`content changes will not be picked up automatically: ${(error as Error).message}`);
  }

  return {
    rebuild,
    async close() {
      closed = true;
      clearTimeout(debounce);
      clearTimeout(wake);
      watcher?.close();
      await worker?.terminate();
    },
  };
}
