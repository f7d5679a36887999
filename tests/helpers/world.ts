import type { SESClient } from '@aws-sdk/client-ses';
import { dynamoStores } from '../../functions/adapters/dynamo/stores.ts';
import { FileContentSource } from '../../functions/adapters/fs-content.ts';
import { FileTemplateSource } from '../../functions/adapters/fs-templates.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import { loadSettings } from '../../functions/core/settings.ts';
import { confirmHandler } from '../../functions/handlers/confirm.ts';
import { deliverHandler } from '../../functions/handlers/deliver.ts';
import { planIssueHandler } from '../../functions/handlers/plan-issue.ts';
import { preferencesHandler } from '../../functions/handlers/preferences.ts';
import { sesEventsHandler } from '../../functions/handlers/ses-events.ts';
import { subscribeHandler } from '../../functions/handlers/subscribe.ts';
import { unsubscribeHandler } from '../../functions/handlers/unsubscribe.ts';
import { apiDeps } from '../../functions/wiring/api.ts';
import { apiMail } from '../../functions/wiring/confirmation-mail.ts';
import { deliverDeps } from '../../functions/wiring/deliver.ts';
import { DEFAULT_TEMPLATES } from '../../functions/wiring/paths.ts';
import { planDeps } from '../../functions/wiring/plan.ts';
import { sesEventDeps } from '../../functions/wiring/ses-events.ts';
import type { Stores } from '../../functions/wiring/stores.ts';
import type { LocalDynamo } from './dynalite.ts';
import { memoryLogger } from './memory.ts';
import { MemoryQueue } from './memory-queue.ts';

export const TOKEN_KEY = 'test-signing-key-that-is-long-enough-0123456789';

export interface World {
  /** The dynalite table the stores use. */
  table: string;
  stores: Stores;
  queue: MemoryQueue;
  log: ReturnType<typeof memoryLogger>;
  clock: { now: Date };
  deferred: { handle: string; seconds: number }[];
  /** The Lambda handlers, made by their factories from this world's parts. */
  handlers: {
    subscribe: ReturnType<typeof subscribeHandler>;
    confirm: ReturnType<typeof confirmHandler>;
    unsubscribe: ReturnType<typeof unsubscribeHandler>;
    preferences: ReturnType<typeof preferencesHandler>;
    planIssue: ReturnType<typeof planIssueHandler>;
    deliver: ReturnType<typeof deliverHandler>;
    sesEvents: ReturnType<typeof sesEventsHandler>;
  };
}

/**
 * The real handlers over dynalite, an SES endpoint and a content directory, assembled by the same
 * wiring as on AWS but with a controllable clock and an in-memory queue.
 */
export async function wireWorld(options: {
  dynamo: LocalDynamo;
  ses: SESClient;
  contentDir: string;
  batchSize?: number;
  mailer?: (real: Mailer) => Mailer;
  maxSendRate?: number;
  /** An existing table (a world made again over the same data, e.g. after the settings changed). */
  table?: string;
}): Promise<World> {
  const table = options.table ?? (await options.dynamo.table());
  const stores: Stores = dynamoStores(options.dynamo.docs, table);
  const content = new FileContentSource(options.contentDir);
  const templates = new FileTemplateSource(DEFAULT_TEMPLATES);
  const settings = await loadSettings(content);
  const log = memoryLogger();
  const queue = new MemoryQueue();
  const clock = { now: new Date() };
  const now = () => clock.now;
  const deferred: World['deferred'] = [];
  const realMailer = new SesMailer(options.ses, { maxSendRate: options.maxSendRate ?? 1000, baseDelayMs: 5, maxDelayMs: 50 });
  const mailer = options.mailer ? options.mailer(realMailer) : realMailer;
  const api = await apiDeps({ settings, templates, stores, mail: apiMail({ settings, templates, mailer }), tokenKey: TOKEN_KEY, log, now });
  const handlers: World['handlers'] = {
    subscribe: subscribeHandler(api),
    confirm: confirmHandler(api),
    unsubscribe: unsubscribeHandler(api),
    preferences: preferencesHandler(api),
    planIssue: planIssueHandler(planDeps({ settings, content, templates, stores, queue, tokenKey: TOKEN_KEY, log, batchSize: options.batchSize ?? 5, now })),
    deliver: deliverHandler(deliverDeps({ stores, mailer, log, now, defer: async (handle, seconds) => void deferred.push({ handle, seconds }) })),
    sesEvents: sesEventsHandler(sesEventDeps({ stores, log, now })),
  };
  return { table, stores, queue, log, clock, deferred, handlers };
}
