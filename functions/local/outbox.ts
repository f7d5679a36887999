import Mustache from 'mustache';
import { simpleParser, type AddressObject } from 'mailparser';
import type { FileMailer } from '../adapters/file-mailer.ts';
import type { Settings } from '../core/settings.ts';
import { renderPage, type PageTemplates } from '../core/site/pages.ts';

export interface OutboxMessage {
  id: string;
  from: string;
  to: string;
  subject: string;
  /** ISO 8601, or empty when the message has no Date. */
  date: string;
  /** The date as a reader reads it, short and unbreakable (`1 Dec 2026, 23:17`). */
  dateText: string;
  html: string | undefined;
  text: string | undefined;
}

/** Messages one page of the outbox lists. */
export const OUTBOX_PAGE = 50;

const addresses = (value: AddressObject | AddressObject[] | undefined) => (Array.isArray(value) ? value.map((a) => a.text).join(', ') : (value?.text ?? ''));

/** A time in this machine's zone, with no-break spaces so it never wraps. */
export function shortTime(date: Date | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '';
  const text = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  return text.replace(/\s/g, '\u00a0');
}

/** Parses one outbox message (the same bytes SES would have received) with a MIME parser. */
export async function readOutboxMessage(outbox: FileMailer, id: string): Promise<OutboxMessage | undefined> {
  const raw = await outbox.read(id);
  if (!raw) return undefined;
  const parsed = await simpleParser(raw);
  return {
    id,
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    subject: parsed.subject ?? '(no subject)',
    date: parsed.date?.toISOString() ?? '',
    dateText: shortTime(parsed.date),
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    text: parsed.text,
  };
}

const count = new Intl.NumberFormat('en-GB');

/**
 * One page of the outbox, newest first (`page` from 1): only that page's messages are read. Undefined
 * for a page past the last.
 */
export async function renderOutboxPage(outbox: FileMailer, template: string, layout: PageTemplates, settings: Settings, page = 1): Promise<string | undefined> {
  const ids = (await outbox.ids()).reverse();
  const pages = Math.max(1, Math.ceil(ids.length / OUTBOX_PAGE));
  if (!Number.isInteger(page) || page < 1 || page > pages) return undefined;
  const first = (page - 1) * OUTBOX_PAGE;
  const messages = [];
  for (const id of ids.slice(first, first + OUTBOX_PAGE)) {
    const message = await readOutboxMessage(outbox, id);
    if (message) messages.push(message);
  }
  const root = settings.siteUrl;
  const range = ids.length === 0 ? '' : `${count.format(first + 1)}–${count.format(first + messages.length)} of ${count.format(ids.length)}`;
  const body = Mustache.render(template, {
    messages,
    empty: ids.length === 0,
    total: count.format(ids.length),
    range,
    newer: page > 1 ? `${root}outbox${page === 2 ? '' : `?page=${page - 1}`}` : undefined,
    older: page < pages ? `${root}outbox?page=${page + 1}` : undefined,
    root,
  });
  return renderPage(layout, settings, `Outbox${range ? ` · ${range}` : ''} · ${settings.title}`, root, body, root);
}

/**
 * A message as its recipient's client shows it, with its From, To, Subject and Date above: the
 * header block (templates/outbox-message.html, escaped by Mustache) goes right after `<body>`.
 */
export function messageView(message: OutboxMessage, template: string, root: string): string {
  const block = Mustache.render(template, { ...message, root });
  const html = message.html ?? '';
  const body = /<body[^>]*>/i.exec(html);
  return body ? `${html.slice(0, body.index + body[0].length)}${block}${html.slice(body.index + body[0].length)}` : `${block}${html}`;
}
