import { SUBSCRIBER_STATES, type SubscriberState } from '../subscribers/types.ts';
import type { SubscriberTimeline, SubscriberTimes } from './ports.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Weeks the overview shows, the current one last. */
export const GROWTH_WEEKS = 12;

/** Records read per page of the scan. */
const PAGE = 1000;

export interface WeekGrowth {
  /** Monday 00:00 UTC of the week. */
  week: Date;
  confirmed: number;
  optedOut: number;
}

/** Monday 00:00 UTC of the week `time` falls in. */
export function weekStart(time: Date): Date {
  const day = Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate());
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - weekday * DAY_MS);
}

/** Counts confirmations and opt-outs per week over the last `weeks` weeks (the current one last). */
export class GrowthCounter {
  readonly weeks: WeekGrowth[];
  private readonly first: number;
  scanned = 0;

  constructor(now: Date, weeks = GROWTH_WEEKS) {
    const current = weekStart(now).getTime();
    this.first = current - (weeks - 1) * WEEK_MS;
    this.weeks = Array.from({ length: weeks }, (_, i) => ({ week: new Date(this.first + i * WEEK_MS), confirmed: 0, optedOut: 0 }));
  }

  private bucket(time: Date | undefined): WeekGrowth | undefined {
    if (!time) return undefined;
    return this.weeks[Math.floor((time.getTime() - this.first) / WEEK_MS)];
  }

  /**
   * One record in its present state. A confirmation counts in the week of `confirmedAt` whatever the
   * state now; an opt-out counts only for a record that is opted out now, in the week it first left.
   */
  add(state: SubscriberState, times: SubscriberTimes): void {
    this.scanned++;
    const confirmed = this.bucket(times.confirmedAt);
    if (confirmed) confirmed.confirmed++;
    if (state !== 'unsubscribed' && state !== 'suppressed') return;
    const left = [times.unsubscribedAt, times.suppressedAt].filter((t): t is Date => t !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];
    const out = this.bucket(left);
    if (out) out.optedOut++;
  }
}

export interface ListGrowth {
  /** Subscribers in each state now. */
  counts: Record<SubscriberState, number>;
  weeks: WeekGrowth[];
  /** Records read. */
  scanned: number;
}

/**
 * Reads every record's times, state by state and page by page, and counts the states and the
 * confirmations and opt-outs per week: one pass over the list.
 */
export async function weeklyGrowth(timeline: SubscriberTimeline, now: Date, weeks = GROWTH_WEEKS): Promise<ListGrowth> {
  const counter = new GrowthCounter(now, weeks);
  const counts = Object.fromEntries(SUBSCRIBER_STATES.map((s) => [s, 0])) as Record<SubscriberState, number>;
  for (const state of SUBSCRIBER_STATES) {
    let after: string | undefined;
    do {
      const page = await timeline.times(state, after, PAGE);
      for (const times of page.items) counter.add(state, times);
      counts[state] += page.items.length;
      after = page.cursor;
    } while (after);
  }
  return { counts, weeks: counter.weeks, scanned: counter.scanned };
}
