import { SESClient } from '@aws-sdk/client-ses';
import { dynamoStores } from '../../functions/adapters/dynamo/stores.ts';
import { FileContentSource } from '../../functions/adapters/fs-content.ts';
import { FileTemplateSource } from '../../functions/adapters/fs-templates.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import { loadSettings } from '../../functions/core/site/build.ts';
import { api } from '../../functions/handlers/http/deps.ts';
import { deliver } from '../../functions/handlers/deliver.ts';
import { subscribeApi } from '../../functions/handlers/subscribe.ts';
import { plan } from '../../functions/handlers/plan-issue.ts';
import { sesEvents } from '../../functions/handlers/ses-events.ts';
import { DEFAULT_TEMPLATES } from '../../functions/wiring/paths.ts';
import { buildDeliverDeps, buildSesEventDeps, type Stores } from '../../functions/wiring/services.ts';
import { apiMail } from '../../functions/wiring/confirmation-mail.ts';
import { buildApiDeps } from '../../functions/wiring/services-api.ts';
import { buildPlanDeps } from '../../functions/wiring/services-render.ts';
import { memoryLogger } from './memory.ts';
import { MemoryQueue } from './memory-queue.ts';
import type { LocalDynamo } from './dynalite.ts';

export const TOKEN_KEY = 'test-signing-key-that-is-long-enough-0123456789';

export interface World {
  /** The dynalite table the stores use. */
  table: string;
  stores: Stores;
  queue: MemoryQueue;
  log: ReturnType<typeof memoryLogger>;
  clock: { now: Date };
  deferred: { handle: string; seconds: number }[];
}

/**
 * Wires the real handlers to dynalite, an SES endpoint and a content directory, exactly as the AWS
 * wiring does but with a controllable clock and an in-memory queue.
 */
export async function wireWorld(options: {
  dynamo: LocalDynamo;
  ses: SESClient;
  contentDir: string;
  batchSize?: number;
  mailer?: (real: Mailer) => Mailer;
  maxSendRate?: number;
}): Promise<World> {
  const table = await options.dynamo.table();
  const docs = options.dynamo.docs;
  const stores: Stores = dynamoStores(docs, table);
  const content = new FileContentSource(options.contentDir);
  const templates = new FileTemplateSource(DEFAULT_TEMPLATES);
  const settings = await loadSettings(content);
  const log = memoryLogger();
  const queue = new MemoryQueue();
  const clock = { now: new Date() };
  const deferred: World['deferred'] = [];
  const realMailer = new SesMailer(options.ses, { maxSendRate: options.maxSendRate ?? 1000, baseDelayMs: 5, maxDelayMs: 50 });
  const mailer = options.mailer ? options.mailer(realMailer) : realMailer;
  const now = () => clock.now;
  const buildApi = async () => ({ ...(await buildApiDeps({ settings, templates, stores, mail: apiMail({ settings, templates, mailer }), tokenKey: TOKEN_KEY, log })), now });
  api.provide(buildApi);
  subscribeApi.provide(buildApi);
  plan.provide(async () => ({ ...buildPlanDeps({ settings, content, templates, stores, queue, tokenKey: TOKEN_KEY, log, batchSize: options.batchSize ?? 5 }), now }));
  deliver.provide(async () =>
    buildDeliverDeps({ stores, mailer, log, clock: now, defer: async (handle, seconds) => void deferred.push({ handle, seconds }) }),
  );
  sesEvents.provide(async () => ({ ...buildSesEventDeps({ stores, log }), now }));
  return { table, stores, queue, log, clock, deferred };
}
