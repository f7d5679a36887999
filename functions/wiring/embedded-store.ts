import { lstatSync, readdirSync, readFileSync, rmSync, type Stats } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ClassicLevel } from 'classic-level';
import dynalite from 'dynalite';
import { DataDirError, osReason, shown } from './data-errors.ts';
import { privateDir, privateFile, privateUmask } from './data-dir.ts';
import { ManifestFormatError, readManifest, type ManifestSummary } from './leveldb-manifest.ts';
import { isPidRecord, processAlive, readStateFile, writeStateFile } from './state-file.ts';

/** Where the embedded store keeps its LevelDB files, under the data directory. */
export const STORE_DIR = join('dynamo', 'db');
/** Files the engine writes before it holds any data (a store that holds only these is empty). */
const NO_DATA = new Set(['LOCK', 'LOG', 'LOG.old']);
const CURRENT = /^MANIFEST-\d{1,20}\n$/;

export type StoreState = 'absent' | 'empty' | 'present';

export interface EmbeddedStore {
  client: DynamoDBClient;
  /** Where the store answers on loopback (another thread of this process may reach it there). */
  endpoint: string;
  close(): Promise<void>;
}

/** A client for the embedded store at `endpoint` (its credentials are never checked). */
export const embeddedStoreClient = (endpoint: string) => new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

const restore = (dir: string) => `nothing was changed; restore ${shown(dir)} from a backup`;

function damaged(file: string, what: string, storeDir: string, cause?: unknown): DataDirError {
  return new DataDirError('damaged', file, `${shown(file)} ${what}: the embedded store cannot be opened safely, ${restore(storeDir)}`, { cause });
}

function regularFile(path: string, storeDir: string, role: string): Stats {
  let info: Stats;
  try {
    info = lstatSync(path);
  } catch (error) {
    throw damaged(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? `(${role}) is missing` : `(${role}) ${osReason(error)}`, storeDir, error);
  }
  if (!info.isFile()) throw damaged(path, `(${role}) is not a regular file`, storeDir);
  return info;
}

/**
 * What is in the store directory, read without changing anything: nothing (`absent`, `empty`) or a
 * whole store: CURRENT names a manifest that is there, every table it lists is there at its size,
 * and so is its write-ahead log. A store that lacks CURRENT or its manifest would be taken by the
 * engine for a new one, which then deletes the old files; a missing table or log loses data: refused.
 */
export function inspectStore(dataDir: string): StoreState {
  const dir = join(dataDir, STORE_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw new DataDirError('damaged', dir, `embedded store ${shown(dir)} ${osReason(error)}`, { cause: error });
  }
  if (names.every((name) => NO_DATA.has(name))) return 'empty';
  const current = join(dir, 'CURRENT');
  regularFile(current, dir, 'the file that names the store\'s manifest');
  let text: string;
  try {
    text = readFileSync(current, 'latin1');
  } catch (error) {
    throw damaged(current, osReason(error), dir, error);
  }
  if (!CURRENT.test(text)) throw damaged(current, text.length === 0 ? 'is empty' : 'does not name a manifest', dir);
  const manifest = join(dir, text.trim());
  if (regularFile(manifest, dir, 'the store\'s manifest, named by CURRENT').size === 0) throw damaged(manifest, 'is empty', dir);
  let summary: ManifestSummary;
  try {
    summary = readManifest(readFileSync(manifest));
  } catch (error) {
    throw damaged(manifest, error instanceof ManifestFormatError ? `is not a readable manifest (${error.message})` : osReason(error), dir, error);
  }
  const present = new Set(names);
  for (const [number, size] of summary.tables) {
    const name = [`${fileNumber(number)}.ldb`, `${fileNumber(number)}.sst`].find((n) => present.has(n)) ?? `${fileNumber(number)}.ldb`;
    const info = regularFile(join(dir, name), dir, 'a table the manifest lists');
    if (info.size !== size) throw damaged(join(dir, name), `(a table the manifest lists) is ${info.size} bytes, not ${size}`, dir);
  }
  // The write-ahead log holds the writes made since the last table was written.
  if (summary.logNumber > 0) regularFile(join(dir, `${fileNumber(summary.logNumber)}.log`), dir, 'the store\'s write-ahead log');
  return 'present';
}

const fileNumber = (n: number) => String(n).padStart(6, '0');

/** True when the data directory holds a store with data (whose links a new token key would void). */
export function storeHasData(dataDir: string): boolean {
  try {
    return readdirSync(join(dataDir, STORE_DIR)).some((name) => !NO_DATA.has(name));
  } catch {
    return false;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Opens and closes the store with the engine itself, never creating it, to learn whether it is whole. */
async function verifyWithEngine(dir: string): Promise<'ok' | 'locked'> {
  const db = new ClassicLevel(dir, { createIfMissing: false, errorIfExists: false });
  try {
    await db.open();
  } catch (error) {
    const cause = (error as Error & { cause?: Error & { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') return 'locked';
    throw new DataDirError('damaged', dir, `embedded store ${shown(dir)} cannot be opened (${oneLine(cause?.message ?? (error as Error).message)}); nothing was deleted; restore it from a backup`, {
      cause: error,
    });
  }
  await db.close();
  return 'ok';
}

const clientFor = embeddedStoreClient;

const LOOPBACK = /^http:\/\/127\.0\.0\.1:\d{1,5}$/;
const isEndpointRecord = (value: unknown): value is { pid: number; endpoint: string } => isPidRecord('endpoint')(value) && LOOPBACK.test(value.endpoint);

/** The store another running process of ours serves (it recorded its endpoint), if it answers. */
async function sharedStore(endpointFile: string): Promise<EmbeddedStore | undefined> {
  const recorded = readStateFile(endpointFile, isEndpointRecord, 'the pid and loopback endpoint of the process serving the store');
  if (!recorded || recorded.pid === process.pid || !processAlive(recorded.pid)) return undefined;
  const client = clientFor(recorded.endpoint);
  try {
    await client.send(new ListTablesCommand({}));
    return { client, endpoint: recorded.endpoint, close: async () => client.destroy() };
  } catch {
    client.destroy();
    return undefined;
  }
}

/** Only the process that recorded the endpoint removes it. */
function recordedByUs(endpointFile: string): boolean {
  try {
    return readStateFile(endpointFile, isEndpointRecord, 'an endpoint')?.pid === process.pid;
  } catch {
    return false;
  }
}

async function serve(db: string, endpointFile: string): Promise<EmbeddedStore> {
  const server: Server = dynalite({ path: db, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const stop = async () => {
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  };
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = clientFor(endpoint);
  try {
    await client.send(new ListTablesCommand({}));
    writeStateFile(endpointFile, { pid: process.pid, endpoint });
  } catch (cause) {
    client.destroy();
    await stop();
    throw new DataDirError('in-use', db, `the embedded store in ${shown(db)} cannot be opened (is another newsletter process using it?)`, { cause });
  }
  return {
    client,
    endpoint,
    async close() {
      client.destroy();
      if (recordedByUs(endpointFile)) rmSync(endpointFile, { force: true });
      await stop();
    },
  };
}

/**
 * The embedded DynamoDB-API store under `dataDir/dynamo` (dynalite on LevelDB, on a loopback port).
 * One process owns it; others (the CLI beside a running server) reach it through the endpoint that
 * process recorded in `endpoint.json`. A damaged store is refused before the engine touches it
 * (`inspectStore`, then the engine opening it without creating); only an absent or empty one is
 * created. `beforeOpen` runs once the store is found sound and before anything is started, so a
 * check it makes (the token key) leaves nothing running when it fails.
 */
export async function openEmbeddedStore(dataDir: string, options: { beforeOpen?: () => void } = {}): Promise<EmbeddedStore> {
  const dir = join(dataDir, 'dynamo');
  const db = join(dataDir, STORE_DIR);
  const endpointFile = join(dir, 'endpoint.json');
  let checked = false;
  const check = () => {
    if (!checked) options.beforeOpen?.();
    checked = true;
  };
  // Another process may be starting the store at this moment: wait for its endpoint a little.
  for (let attempt = 0; ; attempt++) {
    const shared = await sharedStore(endpointFile);
    if (shared) {
      try {
        check();
      } catch (error) {
        shared.client.destroy();
        throw error;
      }
      return shared;
    }
    // Read while no other process writes to it, so what it sees is what is on disk.
    const state = inspectStore(dataDir);
    check();
    if (state !== 'present' || (await verifyWithEngine(db)) === 'ok') break;
    if (attempt >= 20) throw new DataDirError('in-use', db, `the embedded store in ${shown(db)} is locked by another process that does not answer; stop it, then try again`);
    await sleep(100);
  }
  privateUmask();
  privateDir(dir);
  privateDir(db);
  for (const name of readdirSync(db)) privateFile(join(db, name));
  return serve(db, endpointFile);
}
