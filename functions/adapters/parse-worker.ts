// A worker thread of the article pool: parses files and renders their pages (see worker-pool.ts).
import { parentPort } from 'node:worker_threads';
import { processFile, type ProcessContext } from '../core/site/process.ts';
import type { VersionedFile } from '../core/ports.ts';

export type PoolRequest =
  | { type: 'context'; id: number; context: ProcessContext }
  | { type: 'batch'; id: number; context: number; files: VersionedFile[] };

export type PoolReply = { type: 'done'; id: number; results: ReturnType<typeof processFile>[] };

const contexts = new Map<number, ProcessContext>();

parentPort?.on('message', (request: PoolRequest) => {
  if (request.type === 'context') {
    contexts.clear();
    contexts.set(request.id, request.context);
    return;
  }
  const context = contexts.get(request.context);
  if (!context) throw new Error(`article pool: batch ${request.id} names an unknown context ${request.context}`);
  const reply: PoolReply = { type: 'done', id: request.id, results: request.files.map((file) => processFile(file, context)) };
  // Pages are handed over, not copied (each has its own buffer: TextEncoder.encode never pools).
  const pages = reply.results.flatMap((r) => (r.page ? [r.page.body.buffer as ArrayBuffer] : []));
  parentPort!.postMessage(reply, pages);
});
