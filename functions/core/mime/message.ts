import { createHash, randomUUID } from 'node:crypto';
import { escapeHtml } from '../escape.ts';
import { MimeError } from './errors.ts';
import { addressHeader, isHeaderAddress, oneLine, parseMailbox, rfc5322Date, simpleHeader, unstructuredHeader, type Mailbox } from './headers.ts';
import { encodeQuotedPrintable, SOFT_BREAK } from './quoted-printable.ts';

/**
 * Raw MIME messages (RFC 5322, 2045-2047): `multipart/alternative` with a quoted-printable UTF-8
 * text part, then the HTML part. A message is compiled once (headers and bodies encoded) and then
 * completed per recipient: only the recipient's headers and placeholder values are encoded then.
 */

export interface MessageContent {
  subject: string;
  html: string;
  text: string;
}

export interface CompileOptions {
  /** `Name <address>` or a bare address. */
  from: string;
  replyTo?: string | undefined;
  /** Domain of the Message-ID; default: the sender's domain. */
  messageIdDomain?: string | undefined;
  /** Per-recipient placeholders that may occur in `html` and `text`. */
  placeholders?: readonly string[];
  /** Extra header fields that are the same for every recipient, already formatted. */
  staticHeaders?: readonly string[];
}

export interface Recipient {
  /** The recipient's address (ASCII). */
  to: string;
  /** The recipient's display name in `To` (any text: made one line, RFC 2047-encoded where not plain ASCII). */
  toName?: string | undefined;
  /** Left-hand side of the Message-ID; stable ids make a retried send recognisable. */
  messageIdLocal: string;
  date?: Date;
  /** A value per placeholder: plain text (escaped in the HTML part, taken as is in the text part). */
  values?: Readonly<Record<string, string>>;
  /** Header fields that depend on the recipient, already formatted. */
  headers?: readonly string[];
}

interface Body {
  /** Encoded static pieces; a value goes between each two. */
  pieces: Buffer[];
  /** Whether piece i ends with a hard line break (no soft break needed after it). */
  endsLine: boolean[];
  slots: string[];
  html: boolean;
}

export interface CompiledMessage {
  /** The bare sender address (for the envelope). */
  envelopeFrom: string;
  /** The complete raw message for one recipient, CRLF line endings. */
  forRecipient(recipient: Recipient): Buffer;
}

const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const ID_LEFT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,128}$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileBody(content: string, placeholders: readonly string[], html: boolean): Body {
  const text = content.replace(/\r?\n/g, '\r\n');
  const pieces: string[] = [];
  const slots: string[] = [];
  if (placeholders.length === 0) {
    pieces.push(text);
  } else {
    const pattern = new RegExp(placeholders.map(escapeRegExp).join('|'), 'g');
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      pieces.push(text.slice(last, match.index));
      slots.push(match[0]);
      last = match.index + match[0].length;
    }
    pieces.push(text.slice(last));
  }
  const encoded = pieces.map(encodeQuotedPrintable);
  return { pieces: encoded.map((p) => Buffer.from(p, 'ascii')), endsLine: encoded.map((p) => p.length === 0 || p.endsWith('\r\n')), slots, html };
}

/** Compiles a message whose headers and bodies are shared by every recipient. */
export function compileMessage(content: MessageContent, options: CompileOptions): CompiledMessage {
  const from = parseMailbox(options.from);
  const replyTo = options.replyTo ? parseMailbox(options.replyTo) : undefined;
  const domain = options.messageIdDomain ?? from.address.slice(from.address.lastIndexOf('@') + 1);
  if (!DOMAIN.test(domain)) throw new MimeError(`"${oneLine(domain)}" is not a domain for a Message-ID`);
  const placeholders = options.placeholders ?? [];
  const bodies = [compileBody(content.text, placeholders, false), compileBody(content.html, placeholders, true)];
  const boundary = `=_${createHash('sha256').update(content.subject).update(content.text).update(content.html).digest('base64url').slice(0, 28)}`;
  const head = [
    addressHeader('From', from),
    replyTo ? addressHeader('Reply-To', replyTo) : '',
    unstructuredHeader('Subject', content.subject),
    ...(options.staticHeaders ?? []),
    simpleHeader('MIME-Version', '1.0'),
    simpleHeader('Content-Type', `multipart/alternative; boundary="${boundary}"`),
    '\r\n',
  ].join('');
  const partHead = (type: string) => `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const staticHead = Buffer.from(head, 'utf8');
  const partHeads = [Buffer.from(partHead('text/plain'), 'ascii'), Buffer.from(`\r\n${partHead('text/html')}`, 'ascii')];
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'ascii');
  const softBreak = Buffer.from(SOFT_BREAK, 'ascii');

  return {
    envelopeFrom: from.address,
    forRecipient(recipient: Recipient): Buffer {
      if (!isHeaderAddress(recipient.to)) throw new MimeError(`"${oneLine(recipient.to)}" is not an address a message can carry`);
      if (!ID_LEFT.test(recipient.messageIdLocal)) throw new MimeError('the Message-ID left-hand side has characters a Message-ID cannot carry');
      const own =
        simpleHeader('Date', rfc5322Date(recipient.date ?? new Date())) +
        addressHeader('To', { name: recipient.toName ? oneLine(recipient.toName) || undefined : undefined, address: recipient.to } satisfies Mailbox) +
        simpleHeader('Message-ID', `<${recipient.messageIdLocal}@${domain}>`) +
        (recipient.headers ?? []).join('');
      const chunks: Buffer[] = [Buffer.from(own, 'ascii'), staticHead];
      const values = recipient.values ?? {};
      for (let b = 0; b < bodies.length; b++) {
        const body = bodies[b]!;
        chunks.push(partHeads[b]!);
        for (let i = 0; i < body.pieces.length; i++) {
          chunks.push(body.pieces[i]!);
          if (i === body.slots.length) break;
          const slot = body.slots[i]!;
          const raw = values[slot];
          if (raw === undefined) throw new MimeError(`no value for the placeholder ${slot}`);
          const value = oneLine(raw);
          if (!body.endsLine[i]) chunks.push(softBreak);
          chunks.push(Buffer.from(encodeQuotedPrintable(body.html ? escapeHtml(value) : value), 'ascii'));
          chunks.push(softBreak);
        }
      }
      chunks.push(tail);
      return Buffer.concat(chunks);
    },
  };
}

/** One complete message for one recipient (a confirmation mail, a test send). */
export function buildMessage(
  content: MessageContent,
  options: Omit<CompileOptions, 'placeholders' | 'staticHeaders'> & { to: string; date?: Date; values?: Record<string, string> },
): Buffer {
  const values = options.values ?? {};
  const compiled = compileMessage(content, { ...options, placeholders: Object.keys(values) });
  return compiled.forRecipient({ to: options.to, messageIdLocal: randomUUID(), values, ...(options.date ? { date: options.date } : {}) });
}
