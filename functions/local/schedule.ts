import { Cron } from 'croner';
import type { System } from '../wiring/system.ts';
import { sendIssue } from './send.ts';

/** The digest schedule on one machine: the same cron and time zone the AWS schedule uses. */
export function digestSchedule(system: System): { stop(): void } {
  const { cron, timezone } = system.settings.digest.schedule;
  return new Cron(cron, { timezone, protect: true }, async (job: Cron) => {
    const at = job.currentRun() ?? new Date();
    try {
      const summary = await sendIssue(system, at);
      system.log.info(`scheduled send ${JSON.stringify(summary)}`);
    } catch (error) {
      system.log.error(`scheduled send failed: ${(error as Error).message}`);
    }
  });
}
