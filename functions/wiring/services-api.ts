import type { Logger, Mailer, TemplateSource } from '../core/ports.ts';
import type { Settings } from '../core/settings.ts';
import { parseMailbox } from '../core/mime/headers.ts';
import type { ConfirmationMail } from '../core/subscribers/service.ts';
import { SubscriptionService } from '../core/subscribers/service.ts';
import { loadWebTemplates } from '../core/web/pages.ts';
import type { ApiDeps } from '../handlers/http/deps.ts';
import { now, POLICY, type Stores } from './services.ts';

/**
 * The confirmation mail, rendered on first use: only a subscribe request needs the renderer (MJML, a
 * second to load), so confirm and unsubscribe start without it.
 */
function lazyConfirmation(settings: Settings, templates: TemplateSource): ConfirmationMail {
  let loaded: Promise<ConfirmationMail> | undefined;
  return {
    async build(input, at) {
      loaded ??= import('../core/subscribers/confirmation.ts').then((m) => m.ConfirmationMailer.load(settings, templates));
      loaded.catch(() => (loaded = undefined));
      return (await loaded).build(input, at);
    },
  };
}

export async function buildApiDeps(input: { settings: Settings; templates: TemplateSource; stores: Pick<Stores, 'subscribers'>; mailer: Mailer; tokenKey: string | Uint8Array; log: Logger }): Promise<ApiDeps> {
  const { settings } = input;
  const service = new SubscriptionService({
    subscribers: input.stores.subscribers,
    mailer: input.mailer,
    confirmation: lazyConfirmation(settings, input.templates),
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
