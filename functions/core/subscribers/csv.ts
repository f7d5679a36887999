import type { RowReader, RowValues } from './formats.ts';
import { subscriberId, normaliseEmail } from './identity.ts';
import { KEPT_EVENTS } from './ledger.ts';
import { normaliseName } from './name.ts';
import type { ConsentEvent, ConsentSource, NewsletterOptOut, Subscriber, SubscriberState } from './types.ts';

/**
 * The columns `subscribers export` writes, in order: every state, an open request to subscribe and the
 * consent ledger, so that an export imported into an empty store gives back every opt-out and request.
 */
export const EXPORT_COLUMNS = [
  'email',
  'name',
  'state',
  /** The newsletter ids the address chose, separated by spaces (empty: a record from before newsletters, the legacy one). */
  'newsletters',
  /** The newsletters it left, as JSON: `{"<id>": {"at": "…", "source": "…"}}`. */
  'newsletter_opt_outs',
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

/**
 * What one row asks for: the whole record to write when the address is not in the store yet (an
 * address already there is never changed), or why the row is bad. `warnings` name what was dropped
 * or cut while keeping the state the row asked for.
 */
export type ImportRow =
  | { kind: 'record'; subscriber: Subscriber; warnings: string[] }
  | { kind: 'bad'; reason: string };

const STATES: readonly SubscriberState[] = ['confirmed', 'pending', 'unsubscribed', 'suppressed'];

/** An ISO 8601 time, or `YYYY-MM-DD HH:MM:SS` without a zone as Mailchimp writes them (UTC). */
function time(field: string, value: string | undefined): Date | undefined | { error: string } {
  const text = (value ?? '').trim();
  if (text === '') return undefined;
  const plain = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(text);
  const parsed = new Date(plain ? `${text.replace(' ', 'T')}Z` : text);
  if ((!plain && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) || Number.isNaN(parsed.getTime())) return { error: `${field} ${JSON.stringify(text.slice(0, 40))} is not an ISO 8601 time` };
  return parsed;
}

/** The newsletters an import row may name, and what a row that names none gets. */
export interface ImportChoices {
  /** Every newsletter id of the publication. */
  known: readonly string[];
  /** Given to rows that carry no choices (`--newsletters`); absent: they keep none, and read as the legacy newsletter. */
  fallback?: readonly string[] | undefined;
  /** Whether the publication has the legacy newsletter (a row with no choices and no fallback needs it). */
  legacy: boolean;
}

function choices(row: RowValues, given: ImportChoices): string[] | undefined | { error: string } {
  if (row.newsletters === undefined) {
    if (given.fallback) return [...given.fallback];
    if (!given.legacy) return { error: 'the row names no newsletter and the publication has no newsletter "digest" for it: say which with --newsletters' };
    return undefined;
  }
  const ids = [...new Set(row.newsletters.split(/[\s,]+/).filter(Boolean))];
  const unknown = ids.filter((id) => !given.known.includes(id));
  if (unknown.length > 0) return { error: `newsletters: no such newsletter ${unknown.slice(0, 3).map((id) => JSON.stringify(id.slice(0, 40))).join(', ')}` };
  return ids;
}

function optOuts(value: string | undefined, known: readonly string[]): Record<string, NewsletterOptOut> | undefined {
  const text = (value ?? '').trim();
  if (text === '') return undefined;
  try {
    if (text.length > MAX_HISTORY_CHARS) throw new Error(`over ${MAX_HISTORY_CHARS} characters`);
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    const entries = Object.entries(parsed as Record<string, { at?: unknown; source?: unknown }>).map(([id, o]) => {
      const at = new Date(String(o?.at));
      if (!known.includes(id)) throw new Error(`no such newsletter ${JSON.stringify(id.slice(0, 40))}`);
      if (Number.isNaN(at.getTime()) || typeof o.source !== 'string') throw new Error('an entry lacks at or source');
      return [id, { at, source: o.source as ConsentSource }] as const;
    });
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  } catch (error) {
    // An opt-out that cannot be read still holds: the row is refused rather than imported without it.
    throw new Error(`newsletter_opt_outs cannot be read (${(error as Error).message})`);
  }
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
 * Checks one row (read by formats.ts into our terms) and builds the subscriber it asks for. `seen` maps
 * each address already read (lower-cased, as identity.ts compares them) to its line, so a repeated
 * address is reported against the first. A name that cannot be kept is left out with a warning.
 */
export function checkImportRow(row: RowValues, line: number, seen: Map<string, number>, now: Date, given: ImportChoices): ImportRow {
  const raw = restoreCell(row.email);
  const address = normaliseEmail(raw);
  if (!address.ok) return { kind: 'bad', reason: `${JSON.stringify(raw.trim().slice(0, 100))}: ${address.reason}` };
  const stateText = restoreCell(row.state).trim().toLowerCase();
  const state = (stateText === '' ? 'confirmed' : stateText) as SubscriberState;
  if (!STATES.includes(state)) return { kind: 'bad', reason: `state ${JSON.stringify(stateText.slice(0, 40))} is not confirmed, pending, unsubscribed, suppressed or empty` };
  const times: Record<string, Date | undefined> = {};
  for (const [name, value] of [['created_at', row.createdAt], ['confirmed_at', row.confirmedAt], ['unsubscribed_at', row.unsubscribedAt], ['suppressed_at', row.suppressedAt], ['requested_at', row.requestedAt]] as const) {
    const parsed = time(name, value);
    if (parsed && 'error' in parsed) return { kind: 'bad', reason: parsed.error };
    times[name] = parsed;
  }
  const chosen = choices(row, given);
  if (chosen && 'error' in chosen) return { kind: 'bad', reason: chosen.error };
  const warnings: string[] = [];
  let left: Record<string, NewsletterOptOut> | undefined;
  try {
    left = optOuts(row.optOuts, given.known);
  } catch (error) {
    return { kind: 'bad', reason: (error as Error).message };
  }
  const name = normaliseName(row.name === undefined ? undefined : restoreCell(row.name));
  if (!name.ok) warnings.push(`name left out: ${name.reason}`);
  const key = address.email.toLowerCase();
  const first = seen.get(key);
  if (first !== undefined) return { kind: 'bad', reason: `${address.email} is a duplicate of line ${first}` };
  seen.set(key, line);

  let reason = restoreCell(row.suppressedReason ?? '').trim();
  if (reason.length > MAX_REASON_CHARS) {
    warnings.push(`suppressed_reason cut to ${MAX_REASON_CHARS} characters`);
    reason = reason.slice(0, MAX_REASON_CHARS);
  }
  const events = history(row.history === undefined ? undefined : restoreCell(row.history), warnings);
  const createdAt = times.created_at ?? now;
  const imported: ConsentEvent = { at: now, type: 'imported', source: 'import', detail: `as ${state}` };
  const requestedAt = times.requested_at ?? (state === 'pending' ? createdAt : undefined);
  const subscriber: Subscriber = {
    id: subscriberId(address.email),
    email: address.email,
    name: name.ok ? name.name : undefined,
    state,
    // An opt-out wins over a choice: a newsletter the row left is not one it receives.
    newsletters: chosen && left ? chosen.filter((id) => !left[id]) : chosen,
    optOuts: left,
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

/** Checks one record of a file against its header (the column count), reads it in our terms and checks it (checkImportRow). */
export function readImportRow(fields: readonly string[], reader: RowReader, line: number, seen: Map<string, number>, now: Date, given: ImportChoices): ImportRow {
  if (fields.length !== reader.count) {
    return { kind: 'bad', reason: `${fields.length} column${fields.length === 1 ? '' : 's'} where the header has ${reader.count}` };
  }
  const values = reader.read(fields);
  if ('error' in values) return { kind: 'bad', reason: values.error };
  return checkImportRow(values, line, seen, now, given);
}

/** One exported row, in EXPORT_COLUMNS order; times in ISO 8601 UTC, empty when not set; no cell a spreadsheet would run. */
export function exportRow(s: Subscriber): string[] {
  const time = (d: Date | undefined) => d?.toISOString() ?? '';
  const events = s.history.map((e) => ({ at: e.at.toISOString(), type: e.type, source: e.source, ...(e.detail ? { detail: e.detail } : {}) }));
  const left = s.optOuts ? Object.fromEntries(Object.entries(s.optOuts).map(([id, o]) => [id, { at: o.at.toISOString(), source: o.source }])) : undefined;
  return [
    s.email,
    s.name ?? '',
    s.state,
    s.newsletters?.join(' ') ?? '',
    left ? JSON.stringify(left) : '',
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
