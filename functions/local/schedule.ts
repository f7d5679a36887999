import { Cron } from 'croner';
import { newslettersOf } from '../core/newsletters/list.ts';
import type { System } from '../wiring/system.ts';
import { sendIssue } from './send.ts';

/**
 * Each newsletter's schedule on one machine: the same cron and time zone its AWS schedule uses. Each
 * wakes on its own; the send lock keeps two that fire the same minute one after the other.
 */
export function digestSchedule(system: System): { stop(): void } {
  const jobs = newslettersOf(system.settings).map(
    (newsletter) =>
      new Cron(newsletter.schedule.cron, { timezone: newsletter.schedule.timezone, protect: true }, async (job: Cron) => {
        const at = job.currentRun() ?? new Date();
        try {
          const summary = await sendWhenFree(system, at, newsletter.id);
          system.log.info(`scheduled send ${JSON.stringify(summary)}`);
        } catch (error) {
          system.log.error(`scheduled send of ${newsletter.id} failed: ${(error as Error).message}`);
        }
      }),
  );
  return { stop: () => jobs.forEach((job) => job.stop()) };
}

/** Sends, waiting a little while another newsletter's send holds the lock. */
async function sendWhenFree(system: System, at: Date, newsletter: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendIssue(system, at, { newsletter });
    } catch (error) {
      if ((error as Error).name !== 'SendLockedError' || attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}
