// Starts a worker thread on a TypeScript module (workerData.entry): worker threads do not inherit the
// main thread's tsx loader, so each registers its own.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
