import type { MessageContent } from '../mime/message.ts';
import type { Settings } from '../settings.ts';
import { renderEmail, type EmailTemplate } from './templates.ts';
import { wrap } from './text.ts';

/** Where the recipient's unsubscribe link goes in a rendered "already subscribed" note; filled per message. */
export const ALREADY_UNSUBSCRIBE_PLACEHOLDER = '%%unsubscribe_url%%';

/**
 * The note a confirmed subscriber gets when their address is entered in the subscribe form again
 * (templates/already-subscribed.mjml), rendered once: nothing changed, and how to leave if they want.
 * Sending it on every such request keeps the form's answer the same, in time and shape, whatever the
 * address's state.
 */
export async function renderAlreadySubscribed(settings: Settings, template: EmailTemplate): Promise<MessageContent> {
  const subject = `You are already subscribed to ${settings.title}`;
  const html = await renderEmail(template, {
    lang: settings.language,
    subject,
    publication: settings.title,
    siteUrl: settings.siteUrl,
    postalAddress: settings.digest.postalAddress,
    unsubscribeUrl: ALREADY_UNSUBSCRIBE_PLACEHOLDER,
  });
  const text = [
    wrap(`Someone, probably you, asked to subscribe this address to the email digest of ${settings.title}. It is already subscribed, so nothing has changed and you need do nothing.`),
    '',
    wrap('If you no longer want the digest, unsubscribe with one click on the button at this link:'),
    '',
    ALREADY_UNSUBSCRIBE_PLACEHOLDER,
    '',
    '-- ',
    wrap(settings.digest.postalAddress),
    '',
  ].join('\n');
  return { subject, html, text };
}
