import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { dynamoStores } from '../adapters/dynamo/stores.ts';
import { documentClient, ensureTable } from '../adapters/dynamo/table.ts';
import { FileContentSource } from '../adapters/fs-content.ts';
import { FileMailer } from '../adapters/file-mailer.ts';
import { FileTemplateSource } from '../adapters/fs-templates.ts';
import type { ContentSource, Logger, Mailer, TemplateSource } from '../core/ports.ts';
import { loadSettings, type Settings } from '../core/settings.ts';
import { operatorParts } from './aws/operator.ts';
import { DEFAULT_TEMPLATES } from './paths.ts';
import { tokenSecret } from './secret.ts';
import type { Stores } from './stores.ts';

/** The whole product's parts for one process: embedded stand-ins on a laptop, or AWS when configured. */
export interface System {
  mode: 'embedded' | 'aws';
  settings: Settings;
  content: ContentSource;
  templates: TemplateSource;
  stores: Stores;
  mailer: Mailer;
  /** The outbox, in embedded mode. */
  outbox?: FileMailer | undefined;
  tokenKey: string;
  dataDir: string;
  log: Logger;
  close(): Promise<void>;
}

export interface SystemOptions {
  contentDir: string;
  dataDir: string;
  templatesDir?: string | undefined;
  log: Logger;
  /** The URL the local server is reached at; links in pages and mail point there in embedded mode. */
  localUrl?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export const TABLE = 'newsletter';

/** Settings with the local server's own URLs, so every link in a page or an outbox mail works locally. */
export function localSettings(settings: Settings, localUrl: string): Settings {
  const site = localUrl.endsWith('/') ? localUrl : `${localUrl}/`;
  return { ...settings, siteUrl: site, digest: { ...settings.digest, apiUrl: `${site}api/` } };
}

/** Where the local server is (or would be) reached: PUBLIC_URL, the running server's URL, or localhost:PORT. */
export function defaultLocalUrl(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL;
  try {
    const running = JSON.parse(readFileSync(join(resolve(dataDir), 'server.json'), 'utf8')) as { pid: number; url: string };
    if (alive(running.pid)) return running.url;
  } catch {
    // No server running.
  }
  return `http://localhost:${env.PORT ?? 3000}/`;
}

interface EndpointFile {
  pid: number;
  endpoint: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The embedded DynamoDB-API store under `dataDir/dynamo` (dynalite on disk, on a loopback port).
 * One process owns it; others (the CLI beside a running server) reach it through the endpoint
 * that process recorded.
 */
async function embeddedDynamo(dataDir: string): Promise<{ client: DynamoDBClient; close(): Promise<void> }> {
  const dir = resolve(dataDir, 'dynamo');
  mkdirSync(dir, { recursive: true });
  const endpointFile = join(dir, 'endpoint.json');
  const clientFor = (endpoint: string) => new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  if (existsSync(endpointFile)) {
    const recorded = JSON.parse(readFileSync(endpointFile, 'utf8')) as EndpointFile;
    if (recorded.pid !== process.pid && alive(recorded.pid)) {
      const client = clientFor(recorded.endpoint);
      try {
        await client.send(new ListTablesCommand({}));
        return { client, close: async () => client.destroy() };
      } catch {
        client.destroy();
      }
    }
  }
  const server: Server = dynalite({ path: join(dir, 'db'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(endpointFile, JSON.stringify({ pid: process.pid, endpoint } satisfies EndpointFile));
  const client = clientFor(endpoint);
  try {
    await client.send(new ListTablesCommand({}));
  } catch (cause) {
    server.close();
    throw new Error(`the embedded store in ${dir} cannot be opened (is another newsletter process using it?)`, { cause });
  }
  return {
    client,
    async close() {
      client.destroy();
      rmSync(endpointFile, { force: true });
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * Opens the system. With `TABLE_NAME` in the environment it talks to AWS (standard AWS environment:
 * region, credentials, `AWS_ENDPOINT_URL_*`; SES for mail, `TOKEN_SECRET` or `TOKEN_SECRET_PARAM`);
 * otherwise it runs on embedded stand-ins under `dataDir`: dynalite on disk and an outbox of `.eml` files.
 */
export async function openSystem(options: SystemOptions): Promise<System> {
  const env = options.env ?? process.env;
  const templates = new FileTemplateSource(options.templatesDir ?? DEFAULT_TEMPLATES);
  if (env.TABLE_NAME) {
    return { mode: 'aws', ...(await operatorParts(env, options.contentDir)), templates, dataDir: resolve(options.dataDir), log: options.log, close: async () => undefined };
  }
  const content = new FileContentSource(resolve(options.contentDir));
  const settings = localSettings(await loadSettings(content), options.localUrl ?? defaultLocalUrl(options.dataDir, env));
  const dynamo = await embeddedDynamo(options.dataDir);
  await ensureTable(dynamo.client, TABLE);
  const outbox = new FileMailer(resolve(options.dataDir, 'outbox'));
  return {
    mode: 'embedded',
    settings,
    content,
    templates,
    stores: dynamoStores(documentClient(dynamo.client), TABLE),
    mailer: outbox,
    outbox,
    tokenKey: tokenSecret(env, resolve(options.dataDir, '..')),
    dataDir: resolve(options.dataDir),
    log: options.log,
    close: dynamo.close,
  };
}
