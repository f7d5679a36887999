// A stand-in for the article pool's worker: it ends its thread on any batch holding a file named
// crash*, and reports every other file as parsed (a fixed problem), to test the pool's recovery.
import { parentPort } from 'node:worker_threads';
import type { PoolReply, PoolRequest } from '../../functions/adapters/parse-worker.ts';

parentPort!.on('message', (request: PoolRequest) => {
  if (request.type !== 'batch') return;
  if (request.files.some((f) => f.path.includes('crash'))) process.exit(3);
  const reply: PoolReply = {
    type: 'done',
    id: request.id,
    results: request.files.map((f) => ({ path: f.path, version: f.version, hash: 'h', result: { ok: false, problem: { file: f.path, line: undefined, message: 'seen' } } })),
  };
  parentPort!.postMessage(reply);
});
