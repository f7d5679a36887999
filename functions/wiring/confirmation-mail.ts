import type { Mailer, TemplateSource } from '../core/ports.ts';
import type { Settings } from '../core/settings.ts';
import type { ConfirmationMail } from '../core/subscribers/service.ts';
import type { ApiMail } from './api.ts';

/**
 * The confirmation mail, rendered on first use: the renderer (MJML) takes a second to load and only a
 * subscribe request needs it. Only the subscribe function and the one-machine wirings import this
 * module, so the confirm and unsubscribe bundles stay free of MJML.
 */
export function confirmationMail(settings: Settings, templates: TemplateSource): ConfirmationMail {
  let loaded: Promise<ConfirmationMail> | undefined;
  return {
    async build(input, at) {
      loaded ??= import('../core/subscribers/confirmation.ts').then((m) => m.ConfirmationMailer.load(settings, templates));
      loaded.catch(() => (loaded = undefined));
      return (await loaded).build(input, at);
    },
  };
}

/** What the subscribe route needs to send its mail. */
export function apiMail(input: { settings: Settings; templates: TemplateSource; mailer: Mailer }): ApiMail {
  return { mailer: input.mailer, confirmation: confirmationMail(input.settings, input.templates) };
}
