import type { Mailer, TemplateSource } from '../core/ports.ts';
import type { Settings } from '../core/settings.ts';
import type { SubscriptionMail } from '../core/subscribers/service.ts';
import type { ApiMail } from './api.ts';

/**
 * The subscription mails, rendered on first use: the renderer (MJML) takes a second to load and only a
 * subscribe request or a confirmation needs it. Only the subscribe and confirm functions and the
 * one-machine wirings import this module, so the unsubscribe and preferences bundle stays free of MJML.
 */
export function subscriptionMail(settings: Settings, templates: TemplateSource): SubscriptionMail {
  let loaded: Promise<SubscriptionMail> | undefined;
  const mailer = (): Promise<SubscriptionMail> => {
    const next = (loaded ??= import('../core/subscribers/confirmation.ts').then((m) => m.SubscriptionMailer.load(settings, templates)));
    next.catch(() => (loaded = undefined));
    return next;
  };
  return {
    confirmation: async (input, at) => (await mailer()).confirmation(input, at),
    alreadySubscribed: async (input, at) => (await mailer()).alreadySubscribed(input, at),
    welcome: async (input, at) => (await mailer()).welcome(input, at),
  };
}

/** What the subscribe route needs to send its mail. */
export function apiMail(input: { settings: Settings; templates: TemplateSource; mailer: Mailer }): ApiMail {
  return { mailer: input.mailer, mail: subscriptionMail(input.settings, input.templates) };
}
