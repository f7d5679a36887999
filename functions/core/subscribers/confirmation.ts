import { buildConfirmationMessage, renderConfirmation } from '../digest/confirm.ts';
import { loadEmailTemplate } from '../digest/templates.ts';
import type { MessageContent } from '../mime/message.ts';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import type { ConfirmationMail } from './service.ts';

/** The double opt-in mail: templates/confirm.mjml rendered once, the link filled in per address. */
export class ConfirmationMailer implements ConfirmationMail {
  private constructor(private readonly settings: Settings, private readonly rendered: MessageContent) {}

  static async load(settings: Settings, templates: TemplateSource): Promise<ConfirmationMailer> {
    return new ConfirmationMailer(settings, await renderConfirmation(settings, await loadEmailTemplate(templates, 'confirm.mjml')));
  }

  async build(input: { to: string; confirmUrl: string }, now: Date): Promise<Uint8Array> {
    return buildConfirmationMessage(this.rendered, this.settings, { email: input.to, confirmUrl: input.confirmUrl, date: now });
  }
}
