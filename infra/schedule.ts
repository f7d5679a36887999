import { Duration, TimeZone } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { LEGACY_NEWSLETTER_ID, type Newsletter } from '../functions/core/newsletters/list.ts';
import { acknowledgeWildcardResource } from './nag.ts';

/**
 * Converts the settings' five-field cron (`minute hour day-of-month month day-of-week`, as croner
 * reads it locally) into an EventBridge Scheduler expression `cron(min hour dom month dow year)`.
 *
 * The two dialects differ: Scheduler numbers weekdays 1-7 from Sunday (cron: 0-7, 0 and 7 both
 * Sunday), needs `?` in exactly one of the day fields, and cannot say "this day of the month OR this
 * weekday", which cron means when both are restricted. Every field is expanded to the values it
 * matches and written back in Scheduler's syntax, so ranges, lists and steps keep their meaning.
 */
export class CronConversionError extends Error {
  override name = 'CronConversionError';
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY: FieldSpec = { name: 'day of month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] };
// Cron weekdays 0-7 (0 and 7 are Sunday); names as cron writes them.
const WEEKDAY: FieldSpec = { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] };

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function value(text: string, spec: FieldSpec): number {
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return index + (spec === MONTH ? 1 : 0);
  if (!/^\d+$/.test(text)) throw new CronConversionError(`${spec.name}: "${text}" is not a number${spec.names ? ' or a name' : ''}`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new CronConversionError(`${spec.name}: ${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

/** The sorted values one cron field matches, or `'*'` when it places no restriction. */
function expand(field: string, spec: FieldSpec): number[] | '*' {
  if (field === '*' || field === '?') return '*';
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|[^/-]+)(?:-([^/]+))?(?:\/(\d+))?$/.exec(part);
    if (!match) throw new CronConversionError(`${spec.name}: cannot read "${part}"`);
    const [, from, to, stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new CronConversionError(`${spec.name}: step must be at least 1`);
    const start = from === '*' ? spec.min : value(from!, spec);
    const end = to !== undefined ? value(to, spec) : from === '*' || stepText !== undefined ? spec.max : start;
    if (end < start) throw new CronConversionError(`${spec.name}: range ${part} runs backwards`);
    for (let n = start; n <= end; n += step) values.add(n);
  }
  return [...values].sort((a, b) => a - b);
}

/** Writes values back as compactly as Scheduler allows: `*`, `start/step` (not for weekdays), ranges and lists. */
function compact(values: number[], min: number, max: number, steps = true): string {
  if (values.length === max - min + 1) return '*';
  const first = values[0]!;
  if (steps && values.length > 2) {
    const step = values[1]! - first;
    const progression = values.every((v, i) => v === first + i * step);
    if (step > 1 && progression && values.at(-1)! + step > max) return `${first}/${step}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${values[i]}-${values[j]}` : values.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

function weekday(field: string): string {
  // `5#2` (second Friday) and `5L` (last Friday) name one weekday; Scheduler has both.
  const nth = /^(\w+)(#[1-5]|L)$/i.exec(field);
  if (nth) return `${(value(nth[1]!, WEEKDAY) % 7) + 1}${nth[2]!.toUpperCase()}`;
  const days = expand(field, WEEKDAY);
  if (days === '*') return '*';
  const scheduler = [...new Set(days.map((d) => (d % 7) + 1))].sort((a, b) => a - b);
  return compact(scheduler, 1, 7, false);
}

function dayOfMonth(field: string): string {
  if (/^L$|^L-\d+$|^\d+W$|^LW$/i.test(field)) return field.toUpperCase();
  const days = expand(field, DAY);
  return days === '*' ? '*' : compact(days, DAY.min, DAY.max);
}

function plain(field: string, spec: FieldSpec): string {
  const values = expand(field, spec);
  return values === '*' ? '*' : compact(values, spec.min, spec.max);
}

/** `0 7 * * 1` → `cron(0 7 ? * 2 *)` (Mondays at 07:00). Throws a CronConversionError naming the problem. */
export function schedulerCron(cron: string): string {
  const text = NICKNAMES[cron.trim().toLowerCase()] ?? cron.trim();
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    throw new CronConversionError(`"${cron}" must have five fields (minute hour day-of-month month day-of-week), it has ${fields.length}`);
  }
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const days = dayOfMonth(dom);
  const weekdays = weekday(dow);
  if (days !== '*' && weekdays !== '*') {
    throw new CronConversionError(
      `"${cron}" restricts both the day of the month and the day of the week (cron runs on either); EventBridge Scheduler can only use one of them`,
    );
  }
  const [schedDom, schedDow] = weekdays === '*' ? [days, '?'] : ['?', weekdays];
  return `cron(${plain(minute, MINUTE)} ${plain(hour, HOUR)} ${schedDom} ${plain(month, MONTH)} ${schedDow} *)`;
}

/** How often the site is checked against the calendar (an embargoed article appears within this time of its date). */
export const CALENDAR_CHECK = Duration.minutes(5);

/**
 * The construct id of a newsletter's schedule: the legacy newsletter keeps the id the single digest's
 * schedule had (`DigestSchedule`), so a deployed stack updates that schedule in place.
 */
export function scheduleId(newsletter: Pick<Newsletter, 'id'>): string {
  if (newsletter.id === LEGACY_NEWSLETTER_ID) return 'DigestSchedule';
  return `NewsletterSchedule${newsletter.id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}`;
}

/** Plans an issue of each newsletter at each time of its own schedule, in its time zone: one schedule per newsletter. */
export function newsletterSchedules(scope: Construct, planIssue: IFunction, newsletters: readonly Newsletter[]): Schedule[] {
  const created = newsletters.map((newsletter) => {
    const { cron, timezone } = newsletter.schedule;
    return new Schedule(scope, scheduleId(newsletter), {
      description: `Plans an issue of ${newsletter.id}: "${cron}" in ${timezone} (content/publication.yaml)`,
      schedule: ScheduleExpression.expression(schedulerCron(cron), TimeZone.of(timezone)),
      target: new LambdaInvoke(planIssue, {
        // Shaped like an EventBridge scheduled event; `time` (the scheduled time) and `newsletter` key the issue.
        input: ScheduleTargetInput.fromObject({
          id: ContextAttribute.executionId,
          'detail-type': 'Scheduled Event',
          source: 'aws.scheduler',
          time: ContextAttribute.scheduledTime,
          newsletter: newsletter.id,
          resources: [ContextAttribute.scheduleArn],
          detail: {},
        }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
      }),
    });
  });
  acknowledgeInvoke(scope, planIssue);
  return created;
}

/** Asks the site build, every CALENDAR_CHECK, to publish the articles whose time has come. */
export function calendarSchedule(scope: Construct, feeds: IFunction): Schedule {
  const created = new Schedule(scope, 'CalendarSchedule', {
    description: `Rebuilds the site when an embargoed article's time has come (checked every ${CALENDAR_CHECK.toMinutes()} minutes)`,
    schedule: ScheduleExpression.rate(CALENDAR_CHECK),
    // A missed check is made good by the next one.
    target: new LambdaInvoke(feeds, { input: ScheduleTargetInput.fromObject({ reason: 'calendar' }), retryAttempts: 0 }),
  });
  acknowledgeInvoke(scope, feeds);
  return created;
}

function acknowledgeInvoke(scope: Construct, fn: IFunction): void {
  acknowledgeWildcardResource(scope, `${fn.functionArn}:*`, `EventBridge Scheduler's role may invoke this one function; CDK's grantInvoke adds its versions and aliases (${fn.node.id}:*)`);
}
