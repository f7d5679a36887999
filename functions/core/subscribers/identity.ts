import { createHash } from 'node:crypto';
import { domainToASCII, domainToUnicode } from 'node:url';

/** The largest address RFC 5321 allows in a path, and its parts. */
const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
// RFC 5322 atext: what a dot-atom local part may hold between its dots.
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// A top-level domain: letters, or an internationalised one as punycode (`xn--p1ai` is .рф).
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// In a non-ASCII domain only letters, marks and digits of any script, hyphens and dots (no %, _, …).
const IDN = /^[\p{L}\p{M}\p{N}.\-\u3002\uFF0E\uFF61]+$/u;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// Characters that show nothing: format controls (zero-width space, joiners, soft hyphen, BOM, …),
// Hangul fillers, the combining grapheme joiner and variation selectors.
const INVISIBLE = /[\p{Cf}\u034F\u115F\u1160\u3164\uFFA0\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;

export type AddressResult = { ok: true; email: string } | { ok: false; reason: string };

const refuse = (reason: string): AddressResult => ({ ok: false, reason });
const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** An `xn--` label must be punycode that decodes, and encodes back to itself. */
function validALabel(label: string): boolean {
  if (!label.startsWith('xn--')) return true;
  const unicode = domainToUnicode(label);
  return unicode !== '' && unicode !== label && domainToASCII(unicode) === label;
}

/** The domain in ASCII (lower case; an internationalised one as punycode), or a reason it cannot be one. */
function asciiDomain(domain: string): { ok: true; domain: string } | { ok: false; reason: string } {
  let ascii = domain.toLowerCase();
  if (!/^[\x20-\x7e]*$/.test(domain)) {
    if (!IDN.test(domain)) return { ok: false, reason: 'that does not look like an email address' };
    ascii = domainToASCII(domain);
    if (ascii === '') return { ok: false, reason: `the domain "${domain}" is not a valid internationalised domain name` };
  }
  if (!ascii.split('.').every(validALabel)) return { ok: false, reason: `the domain "${domain}" is not a valid internationalised domain name` };
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label)) || !TLD.test(labels.at(-1)!)) {
    return { ok: false, reason: 'that does not look like an email address' };
  }
  if (ascii.length > MAX_DOMAIN) return { ok: false, reason: 'that email address is too long' };
  return { ok: true, domain: ascii };
}

/**
 * Normalises an e-mail address for storage, comparison and sending: trimmed, the domain lower-cased
 * and in ASCII (an internationalised domain as punycode, so the stored address and every message
 * carry the same form); the local part keeps its case, as RFC 5321 allows it to matter. Refuses,
 * with a reason a person can act on, what cannot be an Internet address or cannot be sent to without
 * SMTPUTF8 (which the mail service does not offer): non-ASCII before the @, and invisible or
 * text-direction characters anywhere, which make one address look like another.
 */
export function normaliseEmail(raw: unknown): AddressResult {
  if (typeof raw !== 'string') return refuse('an email address is required');
  const trimmed = raw.trim();
  if (trimmed.length === 0) return refuse('an email address is required');
  if (trimmed.length > 4 * MAX_ADDRESS) return refuse('that email address is too long');
  if (/[\r\n\u0000-\u001f\u007f-\u009f]/.test(trimmed)) return refuse('that email address has invalid characters');
  const bidi = BIDI.exec(trimmed)?.[0];
  if (bidi) return refuse(`that email address has a hidden text-direction character (${codePoint(bidi)}) that makes it look like another address`);
  const invisible = INVISIBLE.exec(trimmed)?.[0];
  if (invisible) return refuse(`that email address has an invisible character (${codePoint(invisible)}) in it`);
  if (/\s/.test(trimmed)) return refuse('that email address has a space in it');
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return refuse('that does not look like an email address');
  const local = trimmed.slice(0, at);
  const nonAscii = /[^\x00-\x7f]/u.exec(local)?.[0];
  if (nonAscii) {
    return refuse(`"${nonAscii}" before the @ cannot be delivered to: use only ASCII letters, digits and signs such as . _ + -`);
  }
  if (!ATEXT.test(local)) return refuse('that does not look like an email address');
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return refuse('the part before the @ cannot start or end with a dot, or have two dots in a row');
  if (local.length > MAX_LOCAL) return refuse('that email address is too long');
  const domain = asciiDomain(trimmed.slice(at + 1));
  if (!domain.ok) return refuse(domain.reason);
  const email = `${local}@${domain.domain}`;
  if (email.length > MAX_ADDRESS) return refuse('that email address is too long');
  return { ok: true, email };
}

/**
 * A subscriber's stable, opaque id: derived from the normalised address, so one address is one
 * subscriber, and tokens and logs never carry the address itself.
 */
export function subscriberId(normalisedEmail: string): string {
  return createHash('sha256').update(normalisedEmail.toLowerCase()).digest('base64url').slice(0, 22);
}
