import type { Command } from 'commander';
import { IssueSchedule } from '../../core/issue/schedule.ts';
import type { IssueSummary } from '../../core/issue/types.ts';
import { SUBSCRIBER_STATES } from '../../core/subscribers/types.ts';
import type { System } from '../../wiring/system.ts';
import { systemOptions, withSystem, type SystemOptions } from '../system.ts';

/** A time as the schedule's readers see it: `Mon 30 Nov 2026, 07:00 (Europe/London)`. */
function inZone(time: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(time);
  return `${text} (${timeZone})`;
}

function issueLine(issue: IssueSummary | undefined): string {
  if (!issue) return 'last issue: none, no issue sent yet';
  const batches = `batches ${issue.batchesDone}/${issue.batchesPlanned}${issue.planComplete ? '' : ' planned so far'}`;
  const paused = issue.pausedUntil && issue.status !== 'sent' ? `, paused until ${issue.pausedUntil.toISOString()}` : '';
  return `last issue: ${issue.id} ${issue.status}${paused}: sent ${issue.sent}, skipped ${issue.skipped}, failed ${issue.failed}, ${batches}`;
}

/** What an operator checks first: who is on the list, how the last issue went, when the next one is due. */
export async function statusReport(system: System, now: Date): Promise<string> {
  const { digest } = system.settings;
  const [counts, recent] = await Promise.all([system.stores.subscribers.countByState(), system.stores.issues.listIssues(digest.listId, { limit: 1 })]);
  const next = new IssueSchedule(digest.schedule).atOrAfter(now);
  return [
    `store: ${system.mode === 'aws' ? 'AWS' : `embedded, in ${system.dataDir}`}`,
    `subscribers: ${SUBSCRIBER_STATES.map((state) => `${counts[state]} ${state}`).join(', ')}`,
    issueLine(recent.issues[0]),
    next ? `next send: ${next.toISOString()}, ${inZone(next, digest.schedule.timezone)}` : `next send: none (the schedule "${digest.schedule.cron}" has no future time)`,
  ].join('\n');
}

export function registerStatus(program: Command): void {
  systemOptions(
    program.command('status').description('subscribers by state, the last issue and the next scheduled send'),
  ).action(async (opts: SystemOptions) => {
    const report = await withSystem(opts, (system) => statusReport(system, new Date()));
    process.stdout.write(`${report}\n`);
  });
}
