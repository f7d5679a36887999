import { ALREADY_PLACEHOLDERS, renderAlreadySubscribed } from '../digest/already-subscribed.ts';
import { buildConfirmationMessage, namesText, newslettersPhrase, renderConfirmation } from '../digest/confirm.ts';
import { TemplateNotFoundError } from '../digest/errors.ts';
import { loadEmailTemplate, type EmailTemplate } from '../digest/templates.ts';
import { buildWelcomeMessage } from '../digest/welcome.ts';
import { buildMessage, type MessageContent } from '../mime/message.ts';
import type { Newsletter } from '../newsletters/list.ts';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import type { SubscriptionMail } from './service.ts';

/** The welcome template, or undefined when the publication has none (then no welcome mail is sent). */
async function optionalTemplate(templates: TemplateSource, name: string): Promise<EmailTemplate | undefined> {
  try {
    return await loadEmailTemplate(templates, name);
  } catch (error) {
    if (error instanceof TemplateNotFoundError) return undefined;
    throw error;
  }
}

const names = (newsletters: readonly Newsletter[], none: string) => (newsletters.length > 0 ? namesText(newsletters.map((n) => n.name)) : none);

/**
 * The mails of the subscription lifecycle: the double opt-in confirmation (templates/confirm.mjml) and
 * the "already subscribed" note (templates/already-subscribed.mjml), each rendered once with its links
 * and newsletter names filled in per address; the welcome (templates/welcome.mjml, optional), rendered
 * for each confirmation.
 */
export class SubscriptionMailer implements SubscriptionMail {
  private constructor(
    private readonly settings: Settings,
    private readonly confirmRendered: MessageContent,
    private readonly alreadyRendered: MessageContent,
    private readonly welcomeTemplate: EmailTemplate | undefined,
  ) {}

  static async load(settings: Settings, templates: TemplateSource): Promise<SubscriptionMailer> {
    const [confirm, already, welcome] = await Promise.all([
      loadEmailTemplate(templates, 'confirm.mjml'),
      loadEmailTemplate(templates, 'already-subscribed.mjml'),
      optionalTemplate(templates, 'welcome.mjml'),
    ]);
    const [confirmRendered, alreadyRendered] = await Promise.all([renderConfirmation(settings, confirm), renderAlreadySubscribed(settings, already)]);
    return new SubscriptionMailer(settings, confirmRendered, alreadyRendered, welcome);
  }

  async confirmation(input: { to: string; confirmUrl: string; newsletters: readonly Newsletter[] }, now: Date): Promise<Uint8Array> {
    return buildConfirmationMessage(this.confirmRendered, this.settings, { email: input.to, confirmUrl: input.confirmUrl, newsletters: input.newsletters.map((n) => n.name), date: now });
  }

  async alreadySubscribed(input: { to: string; preferencesUrl: string; receives: readonly Newsletter[]; requested: readonly Newsletter[] }, now: Date): Promise<Uint8Array> {
    return buildMessage(this.alreadyRendered, {
      from: this.settings.digest.from,
      replyTo: this.settings.digest.replyTo,
      to: input.to,
      values: {
        [ALREADY_PLACEHOLDERS.preferencesUrl]: input.preferencesUrl,
        [ALREADY_PLACEHOLDERS.receives]: names(input.receives, 'none of our newsletters'),
        [ALREADY_PLACEHOLDERS.requested]: newslettersPhrase(this.settings, input.requested.map((n) => n.name)),
      },
      date: now,
    });
  }

  async welcome(input: { to: string; name: string | undefined; newsletters: readonly Newsletter[]; preferencesUrl: string }, now: Date): Promise<Uint8Array | undefined> {
    if (!this.welcomeTemplate) return undefined;
    return buildWelcomeMessage(this.settings, this.welcomeTemplate, { ...input, date: now });
  }
}
