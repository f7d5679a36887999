import type { Command } from 'commander';
import type { SendProgress } from '../../local/send.ts';
import { CliError } from '../errors.ts';
import { systemOptions, withSystem, type SystemOptions } from '../system.ts';

function parseTime(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new CliError(`--at: ${JSON.stringify(value)} is not an ISO 8601 time such as 2026-01-05T07:00:00Z`);
  }
  return date;
}

function progressPrinter(tty: boolean): { update(p: SendProgress): void; done(): void } {
  let last = 0;
  return {
    update(p) {
      const line = `batches ${p.batches} · recipients ${p.recipients} · sent ${p.sent} · skipped ${p.skipped} · failed ${p.failed}`;
      if (tty) process.stderr.write(`\r${line}\x1b[K`);
      else if (Date.now() - last > 1000) {
        process.stderr.write(`${line}\n`);
        last = Date.now();
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

export function registerSend(program: Command): void {
  systemOptions(
    program
      .command('send')
      .description('plan and deliver the issue due now (or at --at); running it again sends nothing twice')
      .option('--at <time>', 'the scheduled time of the issue, ISO 8601 (default: now)')
      .option('--dry-run', 'show what would go out, change nothing'),
  ).action(async (opts: SystemOptions & { at?: string; dryRun?: boolean }) => {
    const at = parseTime(opts.at);
    // Loaded when used: the renderer (MJML) takes a second to load and most commands never need it.
    const { sendIssue, SendLockedError } = await import('../../local/send.ts');
    await withSystem(opts, async (system) => {
      const progress = progressPrinter(Boolean(process.stderr.isTTY));
      let summary;
      try {
        summary = await sendIssue(system, at, { dryRun: opts.dryRun, onProgress: (p) => progress.update(p) });
      } catch (error) {
        if (error instanceof SendLockedError) throw new CliError(error.message, 3);
        throw error;
      } finally {
        progress.done();
      }
      if (summary.kind === 'dry-run') {
        process.stdout.write(
          summary.articles === 0
            ? `dry run: issue ${summary.issueId} has no new articles; nothing would be sent\n`
            : `dry run: issue ${summary.issueId} "${summary.subject}" with ${summary.articles} article(s) would go to ${summary.recipients} confirmed subscriber(s)\n`,
        );
        return;
      }
      if (summary.kind === 'nothing-to-send') {
        process.stdout.write(`issue ${summary.issueId}: nothing to send (${summary.reason})\n`);
        return;
      }
      const p = summary.progress;
      process.stdout.write(`issue ${summary.issueId}: sent ${p.sent}, skipped ${p.skipped}, failed ${p.failed}` + (summary.plan === 'planned' ? '' : ' (already planned: only unfinished deliveries were retried)') + '\n');
      if (summary.paused) process.stdout.write(`paused: the daily sending quota is used up; run send again after ${summary.paused.toISOString()}\n`);
      if (summary.incomplete > 0) throw new CliError(`${summary.incomplete} batch(es) could not be finished; run send again to retry them`, 2);
      if (system.outbox) process.stdout.write(`outbox: ${system.outbox.dir}\n`);
    });
  });
}
