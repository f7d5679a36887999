import type { Newsletter } from '../newsletters/list.ts';
import { scheduleInWords } from '../newsletters/schedule-text.ts';
import { buildMessage } from '../mime/message.ts';
import type { Settings } from '../settings.ts';
import { renderEmail, type EmailTemplate } from './templates.ts';
import { wrap } from './text.ts';

export interface WelcomeInput {
  to: string;
  name: string | undefined;
  newsletters: readonly Newsletter[];
  preferencesUrl: string;
  date: Date;
}

/**
 * The welcome mail after a confirmation (templates/welcome.mjml): which newsletters the person will get
 * and when, in words. Rendered for each person (one mail per confirmation, so rendering once buys
 * nothing); `{{name}}` is their name or the publication's `nameFallback`, escaped like every value.
 */
export async function buildWelcomeMessage(settings: Settings, template: EmailTemplate, input: WelcomeInput): Promise<Buffer> {
  const subject = `Welcome to ${settings.title}`;
  const name = input.name ?? settings.digest.nameFallback;
  const newsletters = input.newsletters.map((n) => ({ name: n.name, description: n.description, when: scheduleInWords(n.schedule) }));
  const html = await renderEmail(template, {
    lang: settings.language,
    subject,
    name,
    publication: settings.title,
    siteUrl: settings.siteUrl,
    postalAddress: settings.digest.postalAddress,
    newsletters,
    preferencesUrl: input.preferencesUrl,
  });
  const text = [
    `Hi ${name},`,
    '',
    wrap(`Thank you for confirming your subscription to ${settings.title}. You will receive:`),
    '',
    ...newsletters.flatMap((n) => [wrap(`- ${n.name}, ${n.when}${n.description ? `: ${n.description}` : ''}`, 72, '  ').replace(/^ {2}/, ''), '']),
    wrap('Every issue has a link to leave it with one click, and a link to your preferences, where you can choose newsletters, change your name or leave everything:'),
    '',
    input.preferencesUrl,
    '',
    '-- ',
    wrap(settings.digest.postalAddress),
    '',
  ].join('\n');
  return buildMessage({ subject, html, text }, { from: settings.digest.from, replyTo: settings.digest.replyTo, to: input.to, date: input.date });
}
