import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { CronConversionError, schedulerCron } from '../../infra/schedule.ts';

describe('settings cron → EventBridge Scheduler cron', () => {
  it.each([
    ['0 7 * * 1', 'cron(0 7 ? * 2 *)', 'Mondays 07:00: cron counts weekdays from Sunday = 0, Scheduler from Sunday = 1'],
    ['0 7 * * 0', 'cron(0 7 ? * 1 *)', 'Sunday as 0'],
    ['0 7 * * 7', 'cron(0 7 ? * 1 *)', 'Sunday as 7'],
    ['0 12 * * SUN', 'cron(0 12 ? * 1 *)', 'weekday names'],
    ['30 6 * * 1-5', 'cron(30 6 ? * 2-6 *)', 'working days'],
    ['0 18 * * 5-7', 'cron(0 18 ? * 1,6,7 *)', 'a range through Sunday'],
    ['0 8 * * */2', 'cron(0 8 ? * 1,3,5,7 *)', 'weekday steps become a list (Scheduler has no / there)'],
    ['0 7 * * 0,6', 'cron(0 7 ? * 1,7 *)', 'weekends'],
    ['0 8 * * 5#2', 'cron(0 8 ? * 6#2 *)', 'second Friday'],
    ['0 8 * * 5L', 'cron(0 8 ? * 6L *)', 'last Friday'],
    ['30 6 1 * *', 'cron(30 6 1 * ? *)', 'day of month: weekday is ?'],
    ['0 9 1,15 * *', 'cron(0 9 1,15 * ? *)', 'a list of days'],
    ['0 0 L * *', 'cron(0 0 L * ? *)', 'last day of the month'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)', 'every quarter hour'],
    ['5-59/20 */6 * * *', 'cron(5/20 0/6 * * ? *)', 'stepped ranges'],
    ['0 7 * jan-mar/2 *', 'cron(0 7 * 1,3 ? *)', 'month names and steps'],
    ['@daily', 'cron(0 0 * * ? *)', 'nicknames'],
    ['@weekly', 'cron(0 0 ? * 1 *)', 'weekly is Sunday midnight'],
  ])('%s → %s (%s)', (cron, expected) => {
    expect(schedulerCron(cron)).toBe(expected);
  });

  it('picks the same weekdays as the local scheduler (croner) does', () => {
    for (const cron of ['0 7 * * 1', '0 7 * * 1-5', '0 7 * * 5-7', '0 7 * * */2', '0 7 * * 0,3']) {
      const runs = new Cron(cron, { timezone: 'UTC' }).nextRuns(14, new Date('2026-01-01T00:00:00Z'));
      const cronDays = new Set(runs.map((d) => d.getUTCDay() + 1));
      const field = /^cron\(\S+ \S+ \? \* (\S+) \*\)$/.exec(schedulerCron(cron))![1]!;
      const schedulerDays = new Set(field.split(',').flatMap((part) => {
        const [a, b] = part.split('-').map(Number) as [number, number | undefined];
        return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
      }));
      expect(schedulerDays, cron).toEqual(cronDays);
    }
  });

  it.each([
    ['0 7 * *', 'must have five fields'],
    ['0 0 7 * * 1', 'must have five fields'],
    ['0 0 1 * 1', 'restricts both the day of the month and the day of the week'],
    ['61 7 * * 1', 'minute: 61 is outside 0-59'],
    ['0 7 * * MOO', 'day of week: "MOO" is not a number or a name'],
    ['0 9-5 * * *', 'hour: range 9-5 runs backwards'],
  ])('refuses %s with a message that names the problem', (cron, message) => {
    expect(() => schedulerCron(cron)).toThrow(CronConversionError);
    expect(() => schedulerCron(cron)).toThrow(message);
  });
});
