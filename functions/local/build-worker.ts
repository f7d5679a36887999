import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../core/ports.ts';
import { buildSite } from '../core/site/build.ts';
import type { Settings } from '../core/settings.ts';
import { localBuildDeps, type LocalPaths } from '../wiring/site.ts';
import { DynamoIssueStore } from '../adapters/dynamo/issues.ts';
import { documentClient } from '../adapters/dynamo/table.ts';
import { SiteIssueArchive } from '../core/issue/publish.ts';
import { embeddedStoreClient } from '../wiring/embedded-store.ts';

/** What the server hands the build thread once. */
export interface BuildWorkerData {
  entry: string;
  paths: LocalPaths;
  /** The local server's settings (its own URLs), used instead of the content's. */
  settings: Settings;
  /** The embedded store, whose issue records the digest's archive is written from. */
  store?: { endpoint: string; table: string } | undefined;
}

/** What a build tells the server: counts, and the scheduled articles it left out, with their dates. */
export interface BuildSummary {
  published: number;
  problems: number;
  scheduled: string[];
}

export type WorkerMessage =
  | { kind: 'log'; level: keyof Logger; message: string; fields?: Record<string, unknown> | undefined }
  | { kind: 'built'; summary: BuildSummary }
  | { kind: 'failed'; message: string };

// The site is built here, off the server's request thread: a slow build never delays an answer.
const port = parentPort!;
const { paths, settings, store } = workerData as BuildWorkerData;
const post = (message: WorkerMessage) => port.postMessage(message);
const log: Logger = {
  info: (message, fields) => post({ kind: 'log', level: 'info', message, fields }),
  warn: (message, fields) => post({ kind: 'log', level: 'warn', message, fields }),
  error: (message, fields) => post({ kind: 'log', level: 'error', message, fields }),
};
const local = localBuildDeps(paths, log);
// The archive reads issues from the server's store over loopback: this thread has a client of its own.
const archive = store
  ? new SiteIssueArchive({
      issues: new DynamoIssueStore(documentClient(embeddedStoreClient(store.endpoint)), store.table),
      templates: local.templates,
    })
  : undefined;
const deps = { ...local, adjustSettings: () => settings, archive };

port.on('message', async () => {
  try {
    const report = await buildSite(deps, new Date());
    const scheduled = report.skipped.filter((s) => s.reason === 'scheduled').map((s) => s.date.toISOString());
    post({ kind: 'built', summary: { published: report.articles.length, problems: report.problems.length, scheduled } });
  } catch (error) {
    post({ kind: 'failed', message: (error as Error).message });
  }
});
