import { ConfirmationMailer } from '../core/subscribers/confirmation.ts';
import type { ContentSource, Logger, Mailer, TemplateSource } from '../core/ports.ts';
import { ContentIssueComposer } from '../core/sending/compose.ts';
import type { DeliveryQueue } from '../core/sending/ports.ts';
import type { Settings } from '../core/settings.ts';
import { parseMailbox } from '../core/mime/headers.ts';
import { SubscriptionService } from '../core/subscribers/service.ts';
import { loadWebTemplates } from '../core/web/pages.ts';
import type { ApiDeps } from '../handlers/http/deps.ts';
import { now, POLICY, type Stores } from './services.ts';

// The services that render templates (MJML): kept apart so the delivery and SES-events bundles stay small.

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

