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

function report(summary: SendSummary, outbox: string | undefined): { text: string; incomplete: number } {
  if (summary.kind === 'dry-run') return { text: dryRunReport(summary), incomplete: 0 };
  if (summary.kind === 'nothing-to-send') return { text: `issue ${summary.issueId}: nothing to send (${summary.reason})\n`, incomplete: 0 };
  const p = summary.progress;
  let text = `issue ${summary.issueId}: sent ${p.sent}, skipped ${p.skipped}, failed ${p.failed}` + (summary.plan === 'planned' ? '' : ' (already planned: only unfinished deliveries were retried)') + '\n';
  if (summary.paused) text += `paused: the daily sending quota is used up; run send again after ${summary.paused.toISOString()}\n`;
  if (outbox && summary.incomplete === 0) text += `outbox: ${outbox}\n`;
  return { text, incomplete: summary.incomplete };
}

export function registerSend(program: Command): void {
  systemOptions(
    program
      .command('send')
      .description("plan and deliver each newsletter's issue due now (or at --at); running it again sends nothing twice")
      .option('--at <time>', 'send the issues due at this time, ISO 8601: for each newsletter, the latest time of its schedule at or before it (default: now)')
      .option('--newsletter <id>', 'only this newsletter (its id in content/publication.yaml)')
      .option('--dry-run', 'show what would go out, change nothing')
      .option(...TEST_OPTION),
  ).action(async (opts: SystemOptions & { at?: string; dryRun?: boolean; newsletter?: string; test?: string }) => {
    if (opts.newsletter !== undefined && !/^[a-z0-9-]{1,40}$/.test(opts.newsletter)) throw new CliError(`--newsletter: ${JSON.stringify(opts.newsletter)} is not a newsletter id`, 2);
    if (opts.test !== undefined) return sendTest(opts.test, opts);
    const at = pastTimeOption('--at', opts.at, new Date());
    // Loaded when used: the renderer (MJML) takes a second to load and most commands never need it.
    const [{ sendDue, SendLockedError }, { PlanningError }] = await Promise.all([import('../../local/send.ts'), import('../../core/sending/errors.ts')]);
    await withSystem(opts, async (system) => {
      const progress = progressPrinter(Boolean(process.stderr.isTTY));
      let summaries: SendSummary[];
      try {
        summaries = await sendDue(system, at, { dryRun: opts.dryRun, newsletter: opts.newsletter, onProgress: (p) => progress.update(p) });
      } catch (error) {
        if (error instanceof SendLockedError) throw new CliError(error.message, 3);
        if (error instanceof PlanningError && opts.newsletter !== undefined && /no newsletter/.test(error.message)) throw new CliError(`--newsletter: ${error.message}`, 2);
        throw error;
      } finally {
        progress.done();
      }
      const several = summaries.length > 1;
      let incomplete = 0;
      for (const summary of summaries) {
        const { text, incomplete: left } = report(summary, system.outbox?.dir);
        process.stdout.write(several ? text.replace(/^/gm, `${summary.newsletter}: `).replace(new RegExp(`${summary.newsletter}: $`), '') : text);
        incomplete += left;
      }
      if (incomplete > 0) throw new CliError(`${incomplete} batch(es) could not be finished; run send again to retry them`, 2);
    });
  });
}
