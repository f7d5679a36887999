import { envelopeSender } from '../core/envelope.ts';
import { POLICY } from '../core/policy.ts';
import type { Logger, Mailer, TemplateSource } from '../core/ports.ts';
import { newslettersOf } from '../core/newsletters/list.ts';
import type { Settings } from '../core/settings.ts';
import { SubscriptionLinks } from '../core/subscribers/links.ts';
import { PreferencesService } from '../core/subscribers/preferences.ts';
import { SubscriptionService, type SubscriptionMail } from '../core/subscribers/service.ts';
import { loadApiTemplates } from '../core/web/subscription-pages.ts';
import type { ApiDeps } from '../handlers/http/deps.ts';
import type { Stores } from './stores.ts';

/** How the subscribe route sends its double opt-in mail (see confirmation-mail.ts). */
export interface ApiMail {
  mailer: Mailer;
  mail: SubscriptionMail;
}

/**
 * Stands in for the mail parts in the functions that never send mail (unsubscribe and preferences), so
 * their bundles carry neither the renderer (MJML) nor an SES client; reaching it is a wiring mistake.
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
    async welcome() {
      throw new Error('this function sends no mail: confirmations are handled by the confirm function');
    },
  },
};

export interface ApiParts {
  settings: Settings;
  templates: TemplateSource;
  stores: Pick<Stores, 'subscribers'>;
  /** Only the subscribe and confirm routes send mail; without it, the service refuses to. */
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
    newsletters: newslettersOf(settings),
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
  const keys = { tokenKey: input.tokenKey, newsletters: newslettersOf(input.settings) };
  return {
    service: subscriptionService(input),
    preferences: new PreferencesService({ subscribers: input.stores.subscribers, keys, log: input.log }),
    links: new SubscriptionLinks(keys),
    settings: input.settings,
    templates: await loadApiTemplates(input.templates),
    log: input.log,
    now: input.now ?? (() => new Date()),
  };
}
