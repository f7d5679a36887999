import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocalModule from 'aws-ses-v2-local';
import { SESClient } from '@aws-sdk/client-ses';

type Start = (config: { host?: string; port?: number }) => Promise<Server>;
// A CommonJS module with `exports.default`: Node's ESM loader and vitest see its default differently.
const start = ((sesLocalModule as unknown as { default?: Start }).default ?? sesLocalModule) as unknown as Start;

export interface SesLocal {
  endpoint: string;
  client(): SESClient;
  /** What the emulator stored (it keeps parsed fields, not the raw headers). */
  emails(): Promise<{ messageId: string; destination: { to: string[] }; subject: string; body: { text?: string; html?: string } }[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** Starts aws-ses-v2-local on a loopback port chosen by the OS. */
export async function startSesLocal(): Promise<SesLocal> {
  const server = await start({ host: '127.0.0.1', port: 0 });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    client: () => new SESClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 }),
    async emails() {
      return ((await (await fetch(`${endpoint}/store`)).json()) as { emails: Awaited<ReturnType<SesLocal['emails']>> }).emails;
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
