import type { IssueSummary } from '../issue/types.ts';

/**
 * What mailbox providers hold a sender to (their published numbers, not ours): SES reviews an account
 * at 5% bounces or 0.1% complaints and may pause it at 10% or 0.5%; Gmail wants spam complaints under
 * 0.3% (and advises 0.1%).
 */
export const THRESHOLDS = {
  bounce: [
    { who: 'SES review', rate: 0.05 },
    { who: 'SES pause', rate: 0.1 },
  ],
  complaint: [
    { who: 'SES review', rate: 0.001 },
    { who: 'Gmail', rate: 0.003 },
    { who: 'SES pause', rate: 0.005 },
  ],
} as const;

/** A rate is "near" a threshold from this share of it on. */
export const NEAR_SHARE = 0.8;

/** The window the rates are taken over. */
export const RATE_WINDOW_DAYS = 30;

export type RateLevel = 'ok' | 'near' | 'over';

export interface Rate {
  /** bounced (or complained) ÷ sent; undefined when nothing was sent in the window. */
  value: number | undefined;
  count: number;
  level: RateLevel;
  /** The nearest threshold reached or approached, e.g. "SES review at 5%". */
  threshold?: string | undefined;
  /** A plain sentence when the level is not ok. */
  warning?: string | undefined;
}

export interface SendingRates {
  days: number;
  issues: number;
  sent: number;
  bounce: Rate;
  complaint: Rate;
}

const percent = (rate: number) => `${Number((rate * 100).toPrecision(3))}%`;

function rate(kind: keyof typeof THRESHOLDS, count: number, sent: number): Rate {
  if (sent === 0) return { value: undefined, count, level: 'ok' };
  const value = count / sent;
  const over = [...THRESHOLDS[kind]].reverse().find((t) => value >= t.rate);
  const near = THRESHOLDS[kind].find((t) => value >= t.rate * NEAR_SHARE && value < t.rate);
  const noun = kind === 'bounce' ? 'bounce' : 'complaint';
  if (over) {
    return { value, count, level: 'over', threshold: `${over.who} at ${percent(over.rate)}`, warning: `The ${noun} rate (${percent(value)}) is at or above ${over.who}'s threshold of ${percent(over.rate)}: find the cause before the next send.` };
  }
  if (near) {
    return { value, count, level: 'near', threshold: `${near.who} at ${percent(near.rate)}`, warning: `The ${noun} rate (${percent(value)}) is close to ${near.who}'s threshold of ${percent(near.rate)}.` };
  }
  return { value, count, level: 'ok' };
}

/**
 * Bounce and complaint rates over the issues scheduled in the last RATE_WINDOW_DAYS days: the sum of
 * their `bounced` (and `complained`) over the sum of their `sent`.
 */
export function sendingRates(issues: readonly Pick<IssueSummary, 'scheduledFor' | 'sent' | 'bounced' | 'complained'>[], now: Date): SendingRates {
  const since = now.getTime() - RATE_WINDOW_DAYS * 86_400_000;
  const recent = issues.filter((i) => i.scheduledFor.getTime() >= since && i.scheduledFor.getTime() <= now.getTime());
  const sum = (key: 'sent' | 'bounced' | 'complained') => recent.reduce((total, i) => total + i[key], 0);
  const sent = sum('sent');
  return { days: RATE_WINDOW_DAYS, issues: recent.length, sent, bounce: rate('bounce', sum('bounced'), sent), complaint: rate('complaint', sum('complained'), sent) };
}
