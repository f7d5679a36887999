import type { Command } from 'commander';
import type { SendProgress, SendSummary } from '../../local/send.ts';
import { CliError } from '../errors.ts';
import { pastTimeOption } from '../time-option.ts';
import { systemOptions, withSystem, type SystemOptions } from '../system.ts';
import { sendTest, TEST_OPTION } from './send-test.ts';

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

function dryRunReport(s: Extract<SendSummary, { kind: 'dry-run' }>): string {
  const lines: string[] = [];
  if (s.finishFirst) lines.push(`dry run: issue ${s.finishFirst.issueId} is unfinished; the send would first finish it, mailing ${s.finishFirst.recipients} more subscriber(s)`);
  if (s.sentAt) lines.push(`dry run: issue ${s.issueId} "${s.subject}" was sent on ${s.sentAt.toISOString()}; nothing would be sent again`);
  else if (s.articles === 0) lines.push(`dry run: issue ${s.issueId} has no new articles; nothing would be sent`);
  else lines.push(`dry run: issue ${s.issueId} "${s.subject}" with ${s.articles} article(s) would go to ${s.recipients} confirmed subscriber(s)`);
  return `${lines.join('\n')}\n`;
}

export function registerSend(program: Command): void {
  systemOptions(
    program
      .command('send')
      .description('plan and deliver the issue due now (or at --at); running it again sends nothing twice')
      .option('--at <time>', 'send the issue due at this time, ISO 8601: the latest scheduled time at or before it (default: now)')
      .option('--dry-run', 'show what would go out, change nothing')
      .option(...TEST_OPTION),
  ).action(async (opts: SystemOptions & { at?: string; dryRun?: boolean; test?: string }) => {
    if (opts.test !== undefined) return sendTest(opts.test, opts);
    const at = pastTimeOption('--at', opts.at, new Date());
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
        process.stdout.write(dryRunReport(summary));
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
