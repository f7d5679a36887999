import type { MessageContent } from '../mime/message.ts';
import type { Settings } from '../settings.ts';
import { renderEmail, type EmailTemplate } from './templates.ts';
import { wrap } from './text.ts';

/** Per-message values of a rendered "already subscribed" note. */
export const ALREADY_PLACEHOLDERS = {
  preferencesUrl: '%%preferences_url%%',
  /** The newsletters the address receives now. */
  receives: '%%receives%%',
  /** The newsletters the request asked for. */
  requested: '%%requested%%',
} as const;

/**
 * The note a confirmed subscriber gets when their address is entered in the subscribe form again
 * (templates/already-subscribed.mjml), rendered once: nothing changed by itself; what the address
 * receives and what was asked for; the signed preferences link, on which the asked-for newsletters are
 * ticked and the person's own Save adds them. Sending it on every such request keeps the form's answer
 * the same, in time and shape, whatever the address's state.
 */
export async function renderAlreadySubscribed(settings: Settings, template: EmailTemplate): Promise<MessageContent> {
  const subject = `You are already subscribed to ${settings.title}`;
  const html = await renderEmail(template, {
    lang: settings.language,
    subject,
    publication: settings.title,
    siteUrl: settings.siteUrl,
    postalAddress: settings.digest.postalAddress,
    preferencesUrl: ALREADY_PLACEHOLDERS.preferencesUrl,
    receives: ALREADY_PLACEHOLDERS.receives,
    requested: ALREADY_PLACEHOLDERS.requested,
  });
  const text = [
    wrap(`Someone, probably you, asked to subscribe this address to ${ALREADY_PLACEHOLDERS.requested}. The address is already subscribed and receives ${ALREADY_PLACEHOLDERS.receives}. Nothing has changed by itself.`),
    '',
    wrap('To add what was asked for, or to change which newsletters you get, open your preferences (the newsletters asked for are ticked there; press Save to add them):'),
    '',
    ALREADY_PLACEHOLDERS.preferencesUrl,
    '',
    wrap('If you did not ask for this, ignore this message: nothing changes.'),
    '',
    '-- ',
    wrap(settings.digest.postalAddress),
    '',
  ].join('\n');
  return { subject, html, text };
}
