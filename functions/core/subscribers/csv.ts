import { normaliseEmail } from './identity.ts';
import type { Subscriber, SubscriberState } from './types.ts';

/** The columns `subscribers export` writes, in order; `subscribers import` reads `email`, `state` and `suppressed_reason`. */
export const EXPORT_COLUMNS = ['email', 'state', 'created_at', 'confirmed_at', 'unsubscribed_at', 'suppressed_reason'] as const;

/** Where the columns an import reads sit in a file's header row. */
export interface ImportColumns {
  count: number;
  email: number;
  state?: number | undefined;
  suppressedReason?: number | undefined;
}

/** Finds the import columns by name (case-insensitive, surrounding spaces ignored); undefined without `email`. */
export function importColumns(header: readonly string[]): ImportColumns | undefined {
  const names = header.map((h) => h.trim().toLowerCase());
  const at = (name: string) => (names.includes(name) ? names.indexOf(name) : undefined);
  const email = at('email');
  if (email === undefined) return undefined;
  return { count: header.length, email, state: at('state'), suppressedReason: at('suppressed_reason') };
}

/**
 * What one row asks for. `confirmed` (state `confirmed` or empty): add as a confirmed subscriber.
 * `unsubscribed` and `suppressed`: record the address in that state, so it is never mailed.
 * `pending`: never confirmed, so not imported.
 */
export type ImportRow =
  | { kind: 'add'; email: string; state: 'confirmed' | 'unsubscribed' | 'suppressed'; reason?: string | undefined }
  | { kind: 'pending'; email: string }
  | { kind: 'bad'; reason: string };

/**
 * Checks one record against the header. `seen` maps each address already read (lower-cased, as
 * identity.ts compares them) to its line, so a repeated address is reported against the first.
 */
export function checkImportRow(fields: readonly string[], columns: ImportColumns, line: number, seen: Map<string, number>): ImportRow {
  if (fields.length !== columns.count) {
    return { kind: 'bad', reason: `${fields.length} column${fields.length === 1 ? '' : 's'} where the header has ${columns.count}` };
  }
  const raw = fields[columns.email] ?? '';
  const address = normaliseEmail(raw);
  if (!address.ok) return { kind: 'bad', reason: `${JSON.stringify(raw.trim())}: ${address.reason}` };
  const state = (columns.state === undefined ? '' : (fields[columns.state] ?? '')).trim().toLowerCase();
  if (state !== '' && state !== 'confirmed' && state !== 'pending' && state !== 'unsubscribed' && state !== 'suppressed') {
    return { kind: 'bad', reason: `state ${JSON.stringify(state)} is not confirmed, pending, unsubscribed, suppressed or empty` };
  }
  const key = address.email.toLowerCase();
  const first = seen.get(key);
  if (first !== undefined) return { kind: 'bad', reason: `${address.email} is a duplicate of line ${first}` };
  seen.set(key, line);
  if (state === 'pending') return { kind: 'pending', email: address.email };
  if (state === 'suppressed') {
    const reason = columns.suppressedReason === undefined ? '' : (fields[columns.suppressedReason] ?? '').trim();
    return { kind: 'add', email: address.email, state, reason: reason || 'imported as suppressed' };
  }
  return { kind: 'add', email: address.email, state: state === 'unsubscribed' ? 'unsubscribed' : 'confirmed' };
}

/** One exported row, in EXPORT_COLUMNS order; times in ISO 8601 UTC, empty when not set. */
export function exportRow(s: Subscriber): string[] {
  const time = (d: Date | undefined) => d?.toISOString() ?? '';
  return [s.email, s.state, time(s.createdAt), time(s.confirmedAt), time(s.unsubscribedAt), s.suppressedReason ?? ''];
}

/** When a subscriber entered its present state. */
export function stateSince(s: Subscriber): Date {
  const since: Record<SubscriberState, Date | undefined> = {
    pending: s.confirmationSentAt ?? s.createdAt,
    confirmed: s.confirmedAt,
    unsubscribed: s.unsubscribedAt,
    suppressed: s.suppressedAt,
  };
  return since[s.state] ?? s.updatedAt;
}
