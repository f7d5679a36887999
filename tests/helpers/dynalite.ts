import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { documentClient, ensureTable } from '../../functions/adapters/dynamo/table.ts';

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  /** A new empty table (same shape as production) per call. */
  table(): Promise<string>;
  docs: ReturnType<typeof documentClient>;
  close(): Promise<void>;
}

let tableCounter = 0;

/** Starts dynalite on a loopback port chosen by the OS, with the real SDK client pointed at it. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    client,
    endpoint,
    docs: documentClient(client),
    async table() {
      const name = `newsletter-test-${process.pid}-${++tableCounter}`;
      await ensureTable(client, name);
      return name;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
