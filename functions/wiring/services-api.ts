import type { Logger, Mailer, TemplateSource } from '../core/ports.ts';
import type { Settings } from '../core/settings.ts';
import { parseMailbox } from '../core/mime/headers.ts';
import type { SubscriptionMail } from '../core/subscribers/service.ts';
import { SubscriptionService } from '../core/subscribers/service.ts';
import { loadWebTemplates } from '../core/web/pages.ts';
import type { ApiDeps } from '../handlers/http/deps.ts';
import { now, POLICY, type Stores } from './services.ts';

/** How the subscribe route sends its double opt-in mail (see confirmation-mail.ts). */
export interface ApiMail {
  mailer: Mailer;
  mail: SubscriptionMail;
}

/**
 * Stands in for the mail parts in the functions that never send mail (confirm, unsubscribe), so their
 * bundles carry neither the renderer (MJML) nor an SES client; reaching it is a wiring mistake.
 */
const NO_MAIL: ApiMail = {
  mailer: {
    async send() {
      throw new Error('this function sends no mail: subscribe requests are handled by the subscribe function');
    },
  },
  mail: {
    async confirmation() {
      throw new Error('this function sends no mail: subscribe requests are handled by the subscribe function');
    },
    async alreadySubscribed() {
      throw new Error('this function sends no mail: subscribe requests are handled by the subscribe function');
    },
  },
};

export async function buildApiDeps(input: { settings: Settings; templates: TemplateSource; stores: Pick<Stores, 'subscribers'>; mail?: ApiMail | undefined; tokenKey: string | Uint8Array; log: Logger }): Promise<ApiDeps> {
  const { settings } = input;
  const mail = input.mail ?? NO_MAIL;
  const service = new SubscriptionService({
    subscribers: input.stores.subscribers,
    mailer: mail.mailer,
    mail: mail.mail,
    log: input.log,
    tokenKey: input.tokenKey,
    listId: settings.digest.listId,
    apiUrl: settings.digest.apiUrl,
    envelopeFrom: parseMailbox(settings.digest.from).address,
    coolDownMs: POLICY.confirmationCoolDownMs,
    confirmTtlMs: POLICY.confirmLinkTtlMs,
    pendingTtlMs: POLICY.pendingTtlMs,
    answerFloorMs: POLICY.subscribeAnswerFloorMs,
  });
  return { service, settings, templates: await loadWebTemplates(input.templates), log: input.log, now };
}
