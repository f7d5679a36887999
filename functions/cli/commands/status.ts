import type { Command } from 'commander';
import { IssueSchedule } from '../../core/issue/schedule.ts';
import { newslettersOf, type Newsletter } from '../../core/newsletters/list.ts';
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

/** One newsletter's last issue and next scheduled send. */
async function newsletterLines(system: System, newsletter: Newsletter, now: Date): Promise<string[]> {
  const { schedule } = newsletter;
  const recent = await system.stores.issues.listIssues(newsletter.listId, { limit: 1 });
  const next = new IssueSchedule(schedule).atOrAfter(now);
  return [
    issueLine(recent.issues[0]),
    next ? `next send: ${next.toISOString()}, ${inZone(next, schedule.timezone)}` : `next send: none (the schedule "${schedule.cron}" has no future time)`,
  ];
}

/**
 * What an operator checks first: who is on the list, how the last issue went, when the next one is due;
 * with several newsletters, those two lines for each, named by its id.
 */
export async function statusReport(system: System, now: Date): Promise<string> {
  const newsletters = newslettersOf(system.settings);
  const [counts, ...perNewsletter] = await Promise.all([system.stores.subscribers.countByState(), ...newsletters.map((n) => newsletterLines(system, n, now))]);
  const several = newsletters.length > 1;
  return [
    `store: ${system.mode === 'aws' ? 'AWS' : `embedded, in ${system.dataDir}`}`,
    `subscribers: ${SUBSCRIBER_STATES.map((state) => `${counts[state]} ${state}`).join(', ')}`,
    ...perNewsletter.flatMap((lines, i) => (several ? lines.map((line) => `${newsletters[i]!.id}: ${line}`) : lines)),
  ].join('\n');
}

export function registerStatus(program: Command): void {
  systemOptions(
    program.command('status').description("subscribers by state, and each newsletter's last issue and next scheduled send"),
  ).action(async (opts: SystemOptions) => {
    const report = await withSystem(opts, (system) => statusReport(system, new Date()));
    process.stdout.write(`${report}\n`);
  });
}
