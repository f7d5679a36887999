import cronstrue from 'cronstrue';
import type { Newsletter } from './list.ts';

/**
 * A newsletter's schedule in words, for the welcome mail and the pages: "at 07:00, only on Monday
 * (Asia/Seoul time)". cronstrue reads the same five-field cron croner runs (a well-kept library for a
 * solved problem; the subscribe page's own phrase covered only daily and weekly schedules).
 */
export function scheduleInWords(schedule: Newsletter['schedule']): string {
  let text: string;
  try {
    text = cronstrue.toString(schedule.cron, { use24HourTimeFormat: true, throwExceptionOnParseError: true, verbose: false });
  } catch {
    return `on the schedule "${schedule.cron}" (${schedule.timezone} time)`;
  }
  return `${text.charAt(0).toLowerCase()}${text.slice(1)} (${schedule.timezone} time)`;
}
