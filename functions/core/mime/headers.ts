import { MimeError } from './errors.ts';

/**
 * Header fields (RFC 5322) with RFC 2047 encoded-words where a value is not plain ASCII. Every value
 * passes through `oneLine` first: CR, LF and other controls become spaces, so no value can start a
 * header of its own.
 */

const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// An Internet address we can put in a header as is: ASCII, no spaces, quotes, brackets or controls.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const MAX_LINE = 78;
// 39 bytes of UTF-8 make 52 base64 characters: an encoded-word (64) fits a line after any header name.
const WORD_BYTES = 39;

export interface Mailbox {
  name: string | undefined;
  address: string;
}

/** Collapses CR, LF, tabs and other control characters to single spaces and trims. */
export function oneLine(value: string): string {
  return value.replace(/[\x00-\x1f\x7f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

export function isHeaderAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/** `Name <address>` or a bare address, as in the settings' `from` and `replyTo`. */
export function parseMailbox(text: string): Mailbox {
  const value = oneLine(text);
  const angle = /^(.*?)\s*<([^<>]+)>$/.exec(value);
  const address = (angle ? angle[2]! : value).trim();
  if (!isHeaderAddress(address)) throw new MimeError(`"${value}" is not a mailbox such as Name <name@example.com>`);
  const name = angle ? angle[1]!.trim().replace(/^"(.*)"$/, '$1').trim() : '';
  return { name: name.length > 0 ? name : undefined, address };
}

function utf8Chunks(text: string, maxBytes: number): string[] {
  const chunks: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes && chunk) {
      chunks.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  if (chunk) chunks.push(chunk);
  return chunks;
}

function encodedWords(text: string): string[] {
  return utf8Chunks(text, WORD_BYTES).map((chunk) => `=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`);
}

/** Joins header words into lines of at most 78 characters, folding with CRLF + space. */
function fold(name: string, words: string[]): string {
  let out = `${name}:`;
  let lineLength = out.length;
  for (const word of words) {
    if (lineLength + 1 + word.length > MAX_LINE && lineLength > name.length + 1) {
      out += `\r\n ${word}`;
      lineLength = 1 + word.length;
    } else {
      out += ` ${word}`;
      lineLength += 1 + word.length;
    }
  }
  return `${out}\r\n`;
}

/** An unstructured header (Subject): plain ASCII folded at spaces, anything else as encoded-words. */
export function unstructuredHeader(name: string, value: string): string {
  const text = oneLine(value);
  const words = text.split(' ').filter((w) => w.length > 0);
  const plain = PRINTABLE_ASCII.test(text) && !text.includes('=?') && words.every((w) => w.length <= MAX_LINE - name.length - 2);
  return fold(name, plain ? words : encodedWords(text));
}

/** A display name as a phrase: an atom run, a quoted string, or encoded-words. */
export function phrase(name: string): string {
  const text = oneLine(name);
  if (ATOM_PHRASE.test(text)) return text;
  if (PRINTABLE_ASCII.test(text) && !text.includes('=?')) return `"${text.replace(/(["\\])/g, '\\$1')}"`;
  return encodedWords(text).join(' ');
}

export function mailboxText(mailbox: Mailbox): string {
  return mailbox.name ? `${phrase(mailbox.name)} <${mailbox.address}>` : mailbox.address;
}

/** An address header (From, To, Reply-To) folded between the display name's words. */
export function addressHeader(name: string, mailbox: Mailbox): string {
  if (!isHeaderAddress(mailbox.address)) throw new MimeError(`"${oneLine(mailbox.address)}" is not an address a message can carry`);
  return fold(name, mailboxText(mailbox).split(' '));
}

/** A header whose value is a comma-separated list, folded between items (List-Unsubscribe). */
export function listHeader(name: string, items: string[]): string {
  return fold(name, items.map((item, i) => (i < items.length - 1 ? `${oneLine(item)},` : oneLine(item))));
}

/** A header taken as is after `oneLine` (MIME-Version, Message-ID, Content-Type). */
export function simpleHeader(name: string, value: string): string {
  return `${name}: ${oneLine(value)}\r\n`;
}

/** The RFC 5322 date-time of `date` in UTC, e.g. `Mon, 25 Nov 2024 07:00:00 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
