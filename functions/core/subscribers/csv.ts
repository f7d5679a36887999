import { subscriberId, normaliseEmail } from './identity.ts';
import { KEPT_EVENTS } from './ledger.ts';
import type { ConsentEvent, Subscriber, SubscriberState } from './types.ts';

/**
 * The columns `subscribers export` writes, in order: every state, an open request to subscribe and the
 * consent ledger, so that an export imported into an empty store gives back every opt-out and request.
 */
export const EXPORT_COLUMNS = [
  'email',
  'state',
  'created_at',
  'confirmed_at',
  'unsubscribed_at',
  'suppressed_at',
  'suppressed_reason',
  'requested_at',
  'history',
] as const;

/** Longest suppression reason kept (the store item must stay small; the state is what matters). */
export const MAX_REASON_CHARS = 1000;
/** Largest history cell read back, in characters. */
const MAX_HISTORY_CHARS = 100_000;

/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV injection"): those starting with = + - @, a
 * tab or a carriage return are written with a leading apostrophe, which import removes again.
 */
const FORMULA = /^[=+\-@\t\r]/;

export function neutraliseCell(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

export function restoreCell(value: string): string {
  return value.startsWith("'") && FORMULA.test(value.slice(1)) ? value.slice(1) : value;
}

/** Where the columns an import reads sit in a file's header row. */
export interface ImportColumns {
  count: number;
  email: number;
  state?: number | undefined;
  createdAt?: number | undefined;
  confirmedAt?: number | undefined;
  unsubscribedAt?: number | undefined;
  suppressedAt?: number | undefined;
  suppressedReason?: number | undefined;
  requestedAt?: number | undefined;
  history?: number | undefined;
}

/** Finds the import columns by name (case-insensitive, surrounding spaces ignored); undefined without `email`. */
export function importColumns(header: readonly string[]): ImportColumns | undefined {
  const names = header.map((h) => restoreCell(h).trim().toLowerCase());
  const at = (name: string) => (names.includes(name) ? names.indexOf(name) : undefined);
  const email = at('email');
  if (email === undefined) return undefined;
  return {
    count: header.length,
    email,
    state: at('state'),
    createdAt: at('created_at'),
    confirmedAt: at('confirmed_at'),
    unsubscribedAt: at('unsubscribed_at'),
    suppressedAt: at('suppressed_at'),
    suppressedReason: at('suppressed_reason'),
    requestedAt: at('requested_at'),
    history: at('history'),
  };
}

/**
 * What one row asks for: the whole record to write when the address is not in the store yet (an
 * address already there is never changed), or why the row is bad. `warnings` name what was dropped
 * or cut while keeping the state the row asked for.
 */
export type ImportRow =
  | { kind: 'record'; subscriber: Subscriber; warnings: string[] }
  | { kind: 'bad'; reason: string };

const STATES: readonly SubscriberState[] = ['confirmed', 'pending', 'unsubscribed', 'suppressed'];

function time(field: string, value: string | undefined): Date | undefined | { error: string } {
  const text = (value ?? '').trim();
  if (text === '') return undefined;
  const parsed = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || Number.isNaN(parsed.getTime())) return { error: `${field} ${JSON.stringify(text.slice(0, 40))} is not an ISO 8601 time` };
  return parsed;
}

function history(value: string | undefined, warnings: string[]): ConsentEvent[] {
  const text = (value ?? '').trim();
  if (text === '') return [];
  if (text.length > MAX_HISTORY_CHARS) {
    warnings.push(`history is over ${MAX_HISTORY_CHARS} characters and was left out`);
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('not a list');
    const events = parsed.slice(-KEPT_EVENTS).map((e: Record<string, unknown>) => {
      const at = new Date(String(e.at));
      if (Number.isNaN(at.getTime()) || typeof e.type !== 'string' || typeof e.source !== 'string') throw new Error('an entry lacks at, type or source');
      return { at, type: e.type, source: e.source, ...(typeof e.detail === 'string' ? { detail: e.detail.slice(0, MAX_REASON_CHARS) } : {}) } as ConsentEvent;
    });
    return events;
  } catch (error) {
    warnings.push(`history cannot be read (${(error as Error).message}) and was left out`);
    return [];
  }
}

/**
 * Checks one record against the header and builds the subscriber it asks for. `seen` maps each
 * address already read (lower-cased, as identity.ts compares them) to its line, so a repeated address
 * is reported against the first.
 */
export function checkImportRow(fields: readonly string[], columns: ImportColumns, line: number, seen: Map<string, number>, now: Date): ImportRow {
  if (fields.length !== columns.count) {
    return { kind: 'bad', reason: `${fields.length} column${fields.length === 1 ? '' : 's'} where the header has ${columns.count}` };
  }
  const cell = (index: number | undefined) => (index === undefined ? '' : restoreCell(fields[index] ?? ''));
  const raw = cell(columns.email);
  const address = normaliseEmail(raw);
  if (!address.ok) return { kind: 'bad', reason: `${JSON.stringify(raw.trim().slice(0, 100))}: ${address.reason}` };
  const stateText = cell(columns.state).trim().toLowerCase();
  const state = (stateText === '' ? 'confirmed' : stateText) as SubscriberState;
  if (!STATES.includes(state)) return { kind: 'bad', reason: `state ${JSON.stringify(stateText.slice(0, 40))} is not confirmed, pending, unsubscribed, suppressed or empty` };
  const times: Record<string, Date | undefined> = {};
  for (const [name, index] of [['created_at', columns.createdAt], ['confirmed_at', columns.confirmedAt], ['unsubscribed_at', columns.unsubscribedAt], ['suppressed_at', columns.suppressedAt], ['requested_at', columns.requestedAt]] as const) {
    const value = time(name, cell(index));
    if (value && 'error' in value) return { kind: 'bad', reason: value.error };
    times[name] = value;
  }
  const key = address.email.toLowerCase();
  const first = seen.get(key);
  if (first !== undefined) return { kind: 'bad', reason: `${address.email} is a duplicate of line ${first}` };
  seen.set(key, line);

  const warnings: string[] = [];
  let reason = cell(columns.suppressedReason).trim();
  if (reason.length > MAX_REASON_CHARS) {
    warnings.push(`suppressed_reason cut to ${MAX_REASON_CHARS} characters`);
    reason = reason.slice(0, MAX_REASON_CHARS);
  }
  const events = history(cell(columns.history), warnings);
  const createdAt = times.created_at ?? now;
  const imported: ConsentEvent = { at: now, type: 'imported', source: 'import', detail: `as ${state}` };
  const requestedAt = times.requested_at ?? (state === 'pending' ? createdAt : undefined);
  const subscriber: Subscriber = {
    id: subscriberId(address.email),
    email: address.email,
    state,
    version: 1,
    createdAt,
    updatedAt: now,
    confirmedAt: state === 'confirmed' ? (times.confirmed_at ?? now) : times.confirmed_at,
    unsubscribedAt: state === 'unsubscribed' ? (times.unsubscribed_at ?? now) : times.unsubscribed_at,
    suppressedAt: state === 'suppressed' ? (times.suppressed_at ?? now) : times.suppressed_at,
    suppressedReason: state === 'suppressed' ? reason || 'imported as suppressed' : reason || undefined,
    softBounces: 0,
    request: requestedAt && state !== 'confirmed' ? { version: 1, at: requestedAt } : undefined,
    history: [...events, imported].slice(-KEPT_EVENTS),
  };
  return { kind: 'record', subscriber, warnings };
}

/** One exported row, in EXPORT_COLUMNS order; times in ISO 8601 UTC, empty when not set; no cell a spreadsheet would run. */
export function exportRow(s: Subscriber): string[] {
  const time = (d: Date | undefined) => d?.toISOString() ?? '';
  const events = s.history.map((e) => ({ at: e.at.toISOString(), type: e.type, source: e.source, ...(e.detail ? { detail: e.detail } : {}) }));
  return [
    s.email,
    s.state,
    time(s.createdAt),
    time(s.confirmedAt),
    time(s.unsubscribedAt),
    time(s.suppressedAt),
    s.suppressedReason ?? '',
    time(s.request?.at),
    events.length > 0 ? JSON.stringify(events) : '',
  ].map(neutraliseCell);
}

/** When a subscriber entered its present state. */
export function stateSince(s: Subscriber): Date {
  const since: Record<SubscriberState, Date | undefined> = {
    pending: s.request?.at ?? s.confirmationSentAt ?? s.createdAt,
    confirmed: s.confirmedAt,
    unsubscribed: s.unsubscribedAt,
    suppressed: s.suppressedAt,
  };
  return since[s.state] ?? s.updatedAt;
}
