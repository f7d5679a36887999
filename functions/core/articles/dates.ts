/**
 * ISO 8601 date-times with an offset (`2024-11-20T09:00:00+09:00`) whose parts name a real instant:
 * no 30 February, no 29 February outside leap years, no hour 24, no minute 60, no offset past ±23:59.
 * `Date.parse` shifts such values silently (`2024-02-30` becomes 1 March); these checks refuse them.
 */
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Why year-month-day is not a day of the calendar, or undefined when it is one. */
export function calendarDayProblem(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12) return `month ${month} does not exist`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `${MONTHS[month - 1]} ${year} has ${days} days`;
  return undefined;
}

export type CalendarDateTime = { ok: true; date: Date } | { ok: false; message: string };

const FORMAT = 'is not an ISO 8601 date-time with an offset, e.g. 2024-11-20T09:00:00+09:00';

/**
 * Parses an ISO 8601 date-time with an offset into the instant it names, or says why it is not one;
 * `message` follows the quoted value, e.g. `"2024-02-30T09:00:00Z" is not a real date: February 2024 has 29 days`.
 */
export function parseCalendarDateTime(text: string): CalendarDateTime {
  const quoted = JSON.stringify(text);
  const m = ISO_WITH_OFFSET.exec(text);
  if (!m) return { ok: false, message: `${quoted} ${FORMAT}` };
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? 0);
  const dayProblem = calendarDayProblem(year, month, day);
  if (dayProblem) return { ok: false, message: `${quoted} is not a real date: ${dayProblem}` };
  if (hour > 23) return { ok: false, message: `${quoted} is not a real time: hours run from 00 to 23 (write 00:00 of the next day)` };
  if (minute > 59) return { ok: false, message: `${quoted} is not a real time: minutes run from 00 to 59` };
  if (second > 59) return { ok: false, message: `${quoted} is not a real time: seconds run from 00 to 59` };
  const offsetHours = Number(m[9] ?? 0);
  const offsetMinutes = Number(m[10] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, message: `${quoted} has no real offset: it must lie between -23:59 and +23:59` };
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const local = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  local.setUTCFullYear(year);
  const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return { ok: true, date: new Date(local.getTime() - offset * 60_000) };
}
