import type { SubscriberState } from './types.ts';

/**
 * The subscriber exports an import reads, and how each one's columns and states map to ours (see
 * docs/newsletters.md for the sources): our own `subscribers export`, Mailchimp's audience export (one
 * file per state), Substack's, Ghost's members CSV and Buttondown's.
 */
export const IMPORT_FORMATS = ['native', 'mailchimp', 'substack', 'ghost', 'buttondown'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One row in our terms, as text (times as written; checked by csv.ts). */
export interface RowValues {
  email: string;
  /** Empty: confirmed. */
  state: string;
  name?: string | undefined;
  /** Newsletter ids separated by spaces or commas; absent: the row carries no choices. */
  newsletters?: string | undefined;
  /** JSON `{ "<id>": { "at": "…", "source": "…" } }` (our own export). */
  optOuts?: string | undefined;
  createdAt?: string | undefined;
  confirmedAt?: string | undefined;
  unsubscribedAt?: string | undefined;
  suppressedAt?: string | undefined;
  suppressedReason?: string | undefined;
  requestedAt?: string | undefined;
  history?: string | undefined;
}

export interface RowReader {
  format: ImportFormat;
  /** Columns in the header: a row with another count is refused. */
  count: number;
  read(fields: readonly string[]): RowValues | { error: string };
}

const names = (header: readonly string[]) => header.map((h) => h.trim().toLowerCase());

/** The format a header row says a file is in, or undefined when it has no address column we know. */
export function detectFormat(header: readonly string[]): ImportFormat | undefined {
  const has = new Set(names(header));
  if (has.has('email address')) return 'mailchimp';
  if (has.has('subscribed_to_emails')) return 'ghost';
  if (has.has('email') && (has.has('email_disabled') || has.has('active_subscription'))) return 'substack';
  if ((has.has('email') || has.has('email_address')) && (has.has('subscriber_type') || (has.has('type') && has.has('creation_date')))) return 'buttondown';
  if (has.has('email')) return 'native';
  return undefined;
}

function yesNo(column: string, value: string): boolean | { error: string } {
  const text = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'y'].includes(text)) return true;
  if (['false', '0', 'no', 'n', ''].includes(text)) return false;
  return { error: `${column} ${JSON.stringify(value.slice(0, 20))} is not true or false` };
}

/** Buttondown's subscriber types: who still gets mail, who has not confirmed, who left or bounced. */
const BUTTONDOWN_STATES: Record<string, SubscriberState> = {
  regular: 'confirmed',
  premium: 'confirmed',
  trialed: 'confirmed',
  unpaid: 'confirmed',
  gifted: 'confirmed',
  churning: 'confirmed',
  paused: 'confirmed',
  past_due: 'confirmed',
  complimentary: 'confirmed',
  unactivated: 'pending',
  unsubscribed: 'unsubscribed',
  removed: 'unsubscribed',
  spammy: 'suppressed',
  undeliverable: 'suppressed',
};

/**
 * A reader of rows in `format` (detected from the header when not given). Unsubscribed and cleaned
 * rows become opt-outs (never confirmed), unconfirmed ones pending (never mailed); names are carried.
 */
export function rowReader(header: readonly string[], format: ImportFormat | undefined = detectFormat(header)): RowReader | { error: string } {
  const cols = names(header);
  const at = (...candidates: string[]) => {
    for (const name of candidates) {
      const i = cols.indexOf(name);
      if (i >= 0) return i;
    }
    return undefined;
  };
  const cell = (fields: readonly string[], index: number | undefined) => (index === undefined ? '' : (fields[index] ?? '').trim());
  const optional = (fields: readonly string[], index: number | undefined) => (index === undefined ? undefined : cell(fields, index));
  const count = header.length;
  if (format === undefined) return { error: `the header row has no "email" column (it has: ${header.slice(0, 20).join(', ')})` };
  const email = at(...({ native: ['email'], mailchimp: ['email address'], substack: ['email'], ghost: ['email'], buttondown: ['email', 'email_address'] } as const)[format]);
  if (email === undefined) return { error: `the header row has no address column of a ${format} export` };

  switch (format) {
    case 'native': {
      const c = {
        state: at('state'), name: at('name'), newsletters: at('newsletters'), optOuts: at('newsletter_opt_outs'), createdAt: at('created_at'), confirmedAt: at('confirmed_at'),
        unsubscribedAt: at('unsubscribed_at'), suppressedAt: at('suppressed_at'), suppressedReason: at('suppressed_reason'), requestedAt: at('requested_at'), history: at('history'),
      };
      return {
        format,
        count,
        read: (f) => ({
          email: cell(f, email),
          state: cell(f, c.state),
          name: optional(f, c.name),
          newsletters: c.newsletters === undefined || cell(f, c.newsletters) === '' ? undefined : cell(f, c.newsletters),
          optOuts: optional(f, c.optOuts),
          createdAt: optional(f, c.createdAt),
          confirmedAt: optional(f, c.confirmedAt),
          unsubscribedAt: optional(f, c.unsubscribedAt),
          suppressedAt: optional(f, c.suppressedAt),
          suppressedReason: optional(f, c.suppressedReason),
          requestedAt: optional(f, c.requestedAt),
          history: optional(f, c.history),
        }),
      };
    }
    case 'mailchimp': {
      // One file per state: the cleaned file has CLEAN_TIME, the unsubscribed one UNSUB_TIME.
      const first = at('first name');
      const last = at('last name');
      const optin = at('optin_time');
      const confirm = at('confirm_time');
      const unsub = at('unsub_time');
      const clean = at('clean_time');
      return {
        format,
        count,
        read: (f) => {
          const name = [cell(f, first), cell(f, last)].filter(Boolean).join(' ');
          const base = { email: cell(f, email), name: name || undefined, createdAt: optional(f, optin), confirmedAt: optional(f, confirm) };
          if (clean !== undefined) return { ...base, state: 'suppressed', suppressedAt: optional(f, clean), suppressedReason: 'cleaned in Mailchimp (hard bounce or repeated soft bounces)' };
          if (unsub !== undefined) return { ...base, state: 'unsubscribed', unsubscribedAt: optional(f, unsub) };
          return { ...base, state: 'confirmed' };
        },
      };
    }
    case 'substack': {
      const disabled = at('email_disabled');
      const created = at('created_at', 'subscription_created_at');
      const name = at('name');
      return {
        format,
        count,
        read: (f) => {
          const off = yesNo('email_disabled', cell(f, disabled));
          if (typeof off === 'object') return off;
          return { email: cell(f, email), name: optional(f, name), state: off ? 'unsubscribed' : 'confirmed', createdAt: optional(f, created) };
        },
      };
    }
    case 'ghost': {
      const subscribed = at('subscribed_to_emails');
      const deleted = at('deleted_at');
      const created = at('created_at');
      const name = at('name');
      return {
        format,
        count,
        read: (f) => {
          const on = yesNo('subscribed_to_emails', cell(f, subscribed));
          if (typeof on === 'object') return on;
          const gone = cell(f, deleted) !== '';
          return { email: cell(f, email), name: optional(f, name), state: on && !gone ? 'confirmed' : 'unsubscribed', createdAt: optional(f, created), ...(gone ? { unsubscribedAt: cell(f, deleted) } : {}) };
        },
      };
    }
    case 'buttondown': {
      const type = at('subscriber_type', 'type');
      const created = at('creation_date');
      const unsubscribed = at('unsubscription_date');
      return {
        format,
        count,
        read: (f) => {
          const raw = cell(f, type).toLowerCase();
          const state = raw === '' ? 'confirmed' : BUTTONDOWN_STATES[raw];
          if (!state) return { error: `subscriber type ${JSON.stringify(raw.slice(0, 30))} is not one Buttondown documents` };
          const when = optional(f, unsubscribed);
          return {
            email: cell(f, email),
            state,
            createdAt: optional(f, created),
            ...(state === 'unsubscribed' && when ? { unsubscribedAt: when } : {}),
            ...(state === 'suppressed' ? { suppressedReason: `${raw} in Buttondown` } : {}),
          };
        },
      };
    }
  }
}
