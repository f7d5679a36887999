import { join, resolve } from 'node:path';
import { dynamoStores } from '../adapters/dynamo/stores.ts';
import { documentClient, ensureTable } from '../adapters/dynamo/table.ts';
import { FileContentSource } from '../adapters/fs-content.ts';
import { FileMailer } from '../adapters/file-mailer.ts';
import { FileSiteOutput } from '../adapters/fs-output.ts';
import { FileTemplateSource } from '../adapters/fs-templates.ts';
import type { ContentSource, Logger, Mailer, SiteOutput, TemplateSource } from '../core/ports.ts';
import { loadSettings, type Settings } from '../core/settings.ts';
import { operatorParts } from './aws/operator.ts';
import { prepareDataDir } from './data-dir.ts';
import { openEmbeddedStore } from './embedded-store.ts';
import { DEFAULT_TEMPLATES } from './paths.ts';
import { tokenSecret } from './secret.ts';
import { isPidRecord, processAlive, readStateFile } from './state-file.ts';
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
  /** The public site, where a send writes the archive page: `.data/site` locally, `SITE_BUCKET` on AWS. */
  site?: SiteOutput | undefined;
  /** In embedded mode: where the store answers on loopback, and its table (the local server's build thread reads issues there). */
  store?: { endpoint: string; table: string } | undefined;
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
  /** Create the data directory when it does not exist (default true); false makes a missing one an error. */
  createDataDir?: boolean | undefined;
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
  const running = readStateFile(join(resolve(dataDir), 'server.json'), isPidRecord('url'), 'the pid and URL of the running server');
  if (running && processAlive(running.pid)) return running.url;
  return `http://localhost:${env.PORT ?? 3000}/`;
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
  const dataDir = prepareDataDir(resolve(options.dataDir), { create: options.createDataDir ?? true });
  const settings = localSettings(await loadSettings(content), options.localUrl ?? defaultLocalUrl(dataDir, env));
  let tokenKey = '';
  const dynamo = await openEmbeddedStore(dataDir, { beforeOpen: () => void (tokenKey = tokenSecret(env, dataDir)) });
  try {
    await ensureTable(dynamo.client, TABLE);
  } catch (error) {
    await dynamo.close();
    throw error;
  }
  const outbox = new FileMailer(join(dataDir, 'outbox'));
  return {
    mode: 'embedded',
    settings,
    content,
    templates,
    stores: dynamoStores(documentClient(dynamo.client), TABLE),
    mailer: outbox,
    outbox,
    site: new FileSiteOutput(join(dataDir, 'site')),
    store: { endpoint: dynamo.endpoint, table: TABLE },
    tokenKey,
    dataDir,
    log: options.log,
    close: dynamo.close,
  };
}
