import { ALREADY_UNSUBSCRIBE_PLACEHOLDER, renderAlreadySubscribed } from '../digest/already-subscribed.ts';
import { buildConfirmationMessage, renderConfirmation } from '../digest/confirm.ts';
import { loadEmailTemplate } from '../digest/templates.ts';
import { buildMessage, type MessageContent } from '../mime/message.ts';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import type { SubscriptionMail } from './service.ts';

/**
 * The mails a subscribe request sends: the double opt-in confirmation (templates/confirm.mjml) and the
 * "already subscribed" note (templates/already-subscribed.mjml), each rendered once; the link is
 * filled in per address.
 */
export class SubscriptionMailer implements SubscriptionMail {
  private constructor(
    private readonly settings: Settings,
    private readonly confirmRendered: MessageContent,
    private readonly alreadyRendered: MessageContent,
  ) {}

  static async load(settings: Settings, templates: TemplateSource): Promise<SubscriptionMailer> {
    const [confirm, already] = await Promise.all([loadEmailTemplate(templates, 'confirm.mjml'), loadEmailTemplate(templates, 'already-subscribed.mjml')]);
    const [confirmRendered, alreadyRendered] = await Promise.all([renderConfirmation(settings, confirm), renderAlreadySubscribed(settings, already)]);
    return new SubscriptionMailer(settings, confirmRendered, alreadyRendered);
  }

  async confirmation(input: { to: string; confirmUrl: string }, now: Date): Promise<Uint8Array> {
    return buildConfirmationMessage(this.confirmRendered, this.settings, { email: input.to, confirmUrl: input.confirmUrl, date: now });
  }

  async alreadySubscribed(input: { to: string; unsubscribeUrl: string }, now: Date): Promise<Uint8Array> {
    return buildMessage(this.alreadyRendered, {
      from: this.settings.digest.from,
      replyTo: this.settings.digest.replyTo,
      to: input.to,
      values: { [ALREADY_UNSUBSCRIBE_PLACEHOLDER]: input.unsubscribeUrl },
      date: now,
    });
  }
}
