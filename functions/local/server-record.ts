import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * `server.json` in the data directory: the running server's process and URL, so that commands run
 * beside it put its address in the links they mail (wiring/system.ts defaultLocalUrl reads it).
 */
const RECORD = 'server.json';

export async function recordServer(dataDir: string, url: string): Promise<void> {
  await writeFile(join(dataDir, RECORD), JSON.stringify({ pid: process.pid, url }));
}

export async function forgetServer(dataDir: string): Promise<void> {
  await rm(join(dataDir, RECORD), { force: true });
}
