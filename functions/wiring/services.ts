import { ConfirmationMailer } from '../core/subscribers/confirmation.ts';
import type { ContentSource, Logger, Mailer, TemplateSource } from '../core/ports.ts';
import { BatchDeliverer } from '../core/sending/deliver.ts';
import { ContentIssueComposer } from '../core/sending/compose.ts';
import { DigestMessageFactory } from '../core/sending/messages.ts';
import type { DeliveryQueue, DeliveryStore, IssueStore } from '../core/sending/ports.ts';
import type { Settings } from '../core/settings.ts';
import { SubscriptionService } from '../core/subscribers/service.ts';
import type { SubscriberStore } from '../core/subscribers/types.ts';
import { parseMailbox } from '../core/mime/headers.ts';
import { loadWebTemplates } from '../core/web/pages.ts';
import type { ApiDeps } from '../handlers/http/deps.ts';
import type { DeliverHandlerDeps } from '../handlers/deliver.ts';

/**
 * The product's services assembled from their parts; the same assembly for AWS and for one machine,
 * which differ only in the parts (DynamoDB or dynalite, SES or an outbox, SQS or an in-process queue).
 */
export interface Stores {
  subscribers: SubscriberStore;
  issues: IssueStore;
  deliveries: DeliveryStore;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Timings of the subscription lifecycle and of sending. */
export const POLICY = {
  confirmationCoolDownMs: 10 * MINUTE,
  confirmLinkTtlMs: 2 * DAY,
  pendingTtlMs: 7 * DAY,
  batchSize: 50,
  inDoubtMs: 15 * MINUTE,
  quotaPauseMs: 6 * HOUR,
  sendConcurrency: 8,
  softBounceThreshold: 3,
} as const;

const now = () => new Date();

export async function buildApiDeps(input: { settings: Settings; templates: TemplateSource; stores: Pick<Stores, 'subscribers'>; mailer: Mailer; tokenKey: string | Uint8Array; log: Logger }): Promise<ApiDeps> {
  const { settings } = input;
  const confirmation = await ConfirmationMailer.load(settings, input.templates);
  const service = new SubscriptionService({
    subscribers: input.stores.subscribers,
    mailer: input.mailer,
    confirmation,
    log: input.log,
    tokenKey: input.tokenKey,
    listId: settings.digest.listId,
    apiUrl: settings.digest.apiUrl,
    envelopeFrom: parseMailbox(settings.digest.from).address,
    coolDownMs: POLICY.confirmationCoolDownMs,
    confirmTtlMs: POLICY.confirmLinkTtlMs,
    pendingTtlMs: POLICY.pendingTtlMs,
  });
  return { service, settings, templates: await loadWebTemplates(input.templates), log: input.log, now };
}

export function buildPlanDeps(input: { settings: Settings; content: ContentSource; templates: TemplateSource; stores: Stores; queue: DeliveryQueue; log: Logger; batchSize?: number }) {
  return {
    issues: input.stores.issues,
    subscribers: input.stores.subscribers,
    queue: input.queue,
    composer: new ContentIssueComposer({ settings: input.settings, content: input.content, templates: input.templates, log: input.log }),
    log: input.log,
    listId: input.settings.digest.listId,
    batchSize: input.batchSize ?? POLICY.batchSize,
    now,
  };
}

export function buildDeliverDeps(input: {
  settings: Settings;
  stores: Stores;
  mailer: Mailer;
  tokenKey: string | Uint8Array;
  log: Logger;
  defer: DeliverHandlerDeps['defer'];
  clock?: () => Date;
}): DeliverHandlerDeps {
  const clock = input.clock ?? now;
  const deliverer = new BatchDeliverer({
    issues: input.stores.issues,
    deliveries: input.stores.deliveries,
    subscribers: input.stores.subscribers,
    mailer: input.mailer,
    messages: new DigestMessageFactory(input.settings),
    log: input.log,
    tokenKey: input.tokenKey,
    envelopeFrom: parseMailbox(input.settings.digest.from).address,
    inDoubtMs: POLICY.inDoubtMs,
    quotaPauseMs: POLICY.quotaPauseMs,
    sendConcurrency: POLICY.sendConcurrency,
    now: clock,
  });
  return { deliverer, log: input.log, now: clock, defer: input.defer };
}

export function buildSesEventDeps(input: { stores: Pick<Stores, 'subscribers' | 'deliveries'>; log: Logger; softBounceThreshold?: number | undefined }) {
  return {
    subscribers: input.stores.subscribers,
    deliveries: input.stores.deliveries,
    log: input.log,
    softBounceThreshold: input.softBounceThreshold ?? POLICY.softBounceThreshold,
    now,
  };
}
