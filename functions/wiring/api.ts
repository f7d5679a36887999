import { envelopeSender } from '../core/envelope.ts';
import { POLICY } from '../core/policy.ts';
import type { Logger, Mailer, TemplateSource } from '../core/ports.ts';
import type { Settings } from '../core/settings.ts';
import { SubscriptionLinks } from '../core/subscribers/links.ts';
import { SubscriptionService, type SubscriptionMail } from '../core/subscribers/service.ts';
import { loadWebTemplates } from '../core/web/pages.ts';
import type { ApiDeps } from '../handlers/http/deps.ts';
import type { Stores } from './stores.ts';

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

export interface ApiParts {
  settings: Settings;
  templates: TemplateSource;
  stores: Pick<Stores, 'subscribers'>;
  /** Only the subscribe route sends mail; without it, the service refuses to. */
  mail?: ApiMail | undefined;
  tokenKey: string | Uint8Array;
  log: Logger;
  now?: () => Date;
}

/** The subscription lifecycle over the subscriber store (also what `subscribers add` uses). */
export function subscriptionService(input: Omit<ApiParts, 'templates' | 'now'>): SubscriptionService {
  const { settings } = input;
  const mail = input.mail ?? NO_MAIL;
  return new SubscriptionService({
    subscribers: input.stores.subscribers,
    mailer: mail.mailer,
    mail: mail.mail,
    log: input.log,
    tokenKey: input.tokenKey,
    listId: settings.digest.listId,
    apiUrl: settings.digest.apiUrl,
    envelopeFrom: envelopeSender(settings.digest),
    coolDownMs: POLICY.confirmationCoolDownMs,
    confirmTtlMs: POLICY.confirmLinkTtlMs,
    pendingTtlMs: POLICY.pendingTtlMs,
    answerFloorMs: POLICY.subscribeAnswerFloorMs,
  });
}

/** The HTTP API handlers' dependencies: the same on AWS and on one machine. */
export async function apiDeps(input: ApiParts): Promise<ApiDeps> {
  return {
    service: subscriptionService(input),
    links: new SubscriptionLinks({ tokenKey: input.tokenKey, listId: input.settings.digest.listId }),
    settings: input.settings,
    templates: await loadWebTemplates(input.templates),
    log: input.log,
    now: input.now ?? (() => new Date()),
  };
}
