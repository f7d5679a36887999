import { createHash } from 'node:crypto';

/** The largest address RFC 5321 allows in a path. */
const MAX_ADDRESS = 254;
// Pragmatic: one @, a local part without spaces or angle brackets, a dotted domain with a 2+ letter TLD.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export type AddressResult = { ok: true; email: string } | { ok: false; reason: string };

/**
 * Normalises an e-mail address for storage and comparison: trimmed, domain lower-cased (the local part
 * keeps its case, as RFC 5321 allows it to matter). Rejects what cannot be an Internet address.
 */
export function normaliseEmail(raw: unknown): AddressResult {
  if (typeof raw !== 'string') return { ok: false, reason: 'an email address is required' };
  const trimmed = raw.trim();
  if (trimmed.length === 0) return { ok: false, reason: 'an email address is required' };
  if (trimmed.length > MAX_ADDRESS) return { ok: false, reason: 'that email address is too long' };
  if (/[\r\n\u0000-\u001f\u007f]/.test(trimmed)) return { ok: false, reason: 'that email address has invalid characters' };
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || !ADDRESS.test(trimmed)) return { ok: false, reason: 'that does not look like an email address' };
  const local = trimmed.slice(0, at);
  if (local.length > 64) return { ok: false, reason: 'that email address is too long' };
  return { ok: true, email: `${local}@${trimmed.slice(at + 1).toLowerCase()}` };
}

/**
 * A subscriber's stable, opaque id: derived from the normalised address, so one address is one
 * subscriber, and tokens and logs never carry the address itself.
 */
export function subscriberId(normalisedEmail: string): string {
  return createHash('sha256').update(normalisedEmail.toLowerCase()).digest('base64url').slice(0, 22);
}
