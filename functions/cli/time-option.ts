import { PLAN_AHEAD_MS } from '../core/sending/plan.ts';
import { CliError } from './errors.ts';

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A time given on the command line (`--at`): ISO 8601 with `Z` or an offset, and a real calendar date
 * (2024-02-30 is refused, not shifted to 1 March). Bad values exit 2, like every bad argument.
 */
export function parseTimeOption(flag: string, value: string): Date {
  const m = ISO.exec(value.trim());
  const date = m ? new Date(value.trim()) : undefined;
  const [, y, mo, d, h, mi, s] = m ?? [];
  const real =
    date !== undefined &&
    !Number.isNaN(date.getTime()) &&
    Number(mo) >= 1 &&
    Number(mo) <= 12 &&
    Number(d) <= new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate() &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(s ?? 0) <= 59;
  if (!real) throw new CliError(`${flag}: ${JSON.stringify(value)} is not an ISO 8601 time such as 2026-01-05T07:00:00Z`, 2);
  return date;
}

/** A `--at` that must not lie ahead of now: nothing is sent or previewed before its time. */
export function pastTimeOption(flag: string, value: string | undefined, now: Date): Date {
  if (value === undefined) return now;
  const at = parseTimeOption(flag, value);
  if (at.getTime() > now.getTime() + PLAN_AHEAD_MS) {
    throw new CliError(`${flag}: ${at.toISOString()} is in the future (now is ${now.toISOString()}): an issue is sent at its scheduled time, never ahead of it`, 2);
  }
  return at;
}
