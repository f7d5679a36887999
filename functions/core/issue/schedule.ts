import { Cron } from 'croner';
import { DigestError } from '../digest/errors.ts';
import type { DigestSettings } from '../settings.ts';

/** The digest schedule (cron in its IANA time zone): when issues go out, and which one a time belongs to. */
export class IssueSchedule {
  private readonly cron: Cron;

  constructor(schedule: DigestSettings['schedule']) {
    try {
      this.cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
    } catch (cause) {
      throw new DigestError(`digest.schedule.cron: "${schedule.cron}" is not a cron pattern: ${(cause as Error).message}`, { cause });
    }
  }

  /** The first scheduled time at or after `time`. */
  atOrAfter(time: Date): Date | undefined {
    return this.cron.nextRun(new Date(time.getTime() - 1)) ?? undefined;
  }

  /** The last scheduled time strictly before `time`. */
  before(time: Date): Date | undefined {
    return this.cron.previousRuns(1, time)[0];
  }

  /** The last scheduled time at or before `time`: the issue a send at `time` plans. */
  latestAtOrBefore(time: Date): Date | undefined {
    return this.before(new Date(time.getTime() + 1));
  }
}
