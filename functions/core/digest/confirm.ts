import type { Settings } from '../settings.ts';
import { buildMessage, type MessageContent } from '../mime/message.ts';
import { renderEmail, type EmailTemplate } from './templates.ts';
import { wrap } from './text.ts';

/** Where the confirmation link goes in a rendered confirmation mail; filled per message. */
export const CONFIRM_PLACEHOLDER = '%%confirm_url%%';
/** Where the names of the newsletters asked for go; filled per message. */
export const CONFIRM_NEWSLETTERS_PLACEHOLDER = '%%newsletters%%';

/** Newsletter names as one phrase: "A", "A and B", "A, B and C". */
export function namesText(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * What a mail says the person asked for: "Economy and Culture from The Gazette", or for a publication
 * whose one newsletter is the single digest, "the email digest of The Gazette".
 */
export function newslettersPhrase(settings: Pick<Settings, 'title'>, names: readonly string[]): string {
  if (names.length === 0 || (names.length === 1 && names[0] === settings.title)) return `the email digest of ${settings.title}`;
  return `${namesText(names)} from ${settings.title}`;
}

/**
 * Renders the double opt-in confirmation mail (templates/confirm.mjml) once: subject, HTML and text
 * with the confirmation link as a placeholder.
 */
export async function renderConfirmation(settings: Settings, template: EmailTemplate): Promise<MessageContent> {
  const subject = `Confirm your subscription to ${settings.title}`;
  const html = await renderEmail(template, {
    lang: settings.language,
    subject,
    publication: settings.title,
    postalAddress: settings.digest.postalAddress,
    confirmUrl: CONFIRM_PLACEHOLDER,
    newsletters: CONFIRM_NEWSLETTERS_PLACEHOLDER,
  });
  const text = [
    wrap(`Someone, probably you, asked to receive ${CONFIRM_NEWSLETTERS_PLACEHOLDER} at this address. Open this link and confirm with one click on the button; until you do, we send you nothing else:`),
    '',
    CONFIRM_PLACEHOLDER,
    '',
    wrap('If you did not ask for this, ignore this message and you will not hear from us again.'),
    '',
    '-- ',
    wrap(settings.digest.postalAddress),
    '',
  ].join('\n');
  return { subject, html, text };
}

/** The raw confirmation message for one address, with its confirmation link (see urls.ts confirmUrl). */
export function buildConfirmationMessage(
  rendered: MessageContent,
  settings: Settings,
  recipient: { email: string; confirmUrl: string; newsletters?: readonly string[]; date?: Date },
): Buffer {
  return buildMessage(rendered, {
    from: settings.digest.from,
    replyTo: settings.digest.replyTo,
    to: recipient.email,
    values: { [CONFIRM_PLACEHOLDER]: recipient.confirmUrl, [CONFIRM_NEWSLETTERS_PLACEHOLDER]: newslettersPhrase(settings, recipient.newsletters ?? []) },
    ...(recipient.date ? { date: recipient.date } : {}),
  });
}
