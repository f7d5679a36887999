import Mustache from 'mustache';
import { simpleParser } from 'mailparser';
import type { FileMailer } from '../adapters/file-mailer.ts';
import type { Settings } from '../core/settings.ts';
import { renderPage, type PageTemplates } from '../core/site/pages.ts';

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  date: string;
  html: string | undefined;
  text: string | undefined;
}

/** Parses one outbox message (the same bytes SES would have received). */
export async function readOutboxMessage(outbox: FileMailer, id: string): Promise<OutboxMessage | undefined> {
  const raw = await outbox.read(id);
  if (!raw) return undefined;
  const parsed = await simpleParser(raw);
  const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
  return {
    id,
    to,
    subject: parsed.subject ?? '(no subject)',
    date: parsed.date?.toISOString() ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    text: parsed.text,
  };
}

/** The outbox list page, newest first. */
export async function renderOutboxPage(outbox: FileMailer, template: string, layout: PageTemplates, settings: Settings): Promise<string> {
  const entries = (await outbox.list()).reverse().slice(0, 500);
  const messages = [];
  for (const entry of entries) {
    const message = await readOutboxMessage(outbox, entry.id);
    if (message) messages.push(message);
  }
  const body = Mustache.render(template, { messages, empty: messages.length === 0, root: settings.siteUrl });
  return renderPage(layout, settings, `Outbox · ${settings.title}`, settings.siteUrl, body, settings.siteUrl);
}
