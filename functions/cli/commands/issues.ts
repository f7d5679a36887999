import type { Command } from 'commander';
import type { IssueFigures, IssueRow } from '../../core/admin/figures.ts';
import { IssuesService, MAX_ISSUE_PAGE } from '../../core/admin/issues.ts';
import type { System } from '../../wiring/system.ts';
import { asCommandResult, CliError } from '../errors.ts';
import { systemOptions, withSystem, type SystemOptions } from '../system.ts';

const COLUMNS: (keyof IssueFigures)[] = ['planned', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'complained', 'opened', 'clicked'];

/** The console's issue listing as a table: the tracked columns only when some issue tracked them. */
export function issueTable(rows: readonly IssueRow[]): string {
  const columns = COLUMNS.filter((c) => rows.some((r) => r.figures[c] !== undefined));
  const header = ['issue', 'status', ...columns, 'subject'];
  const lines = rows.map((r) => [r.id, r.status, ...columns.map((c) => (r.figures[c] === undefined ? '-' : String(r.figures[c]))), r.subject]);
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  // Names left-aligned, figures right-aligned; the subject last, as long as it is.
  const format = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return `${[format(header), ...lines.map(format)].join('\n')}\n`;
}

function figuresLine(f: IssueFigures): string {
  const shown: (keyof IssueFigures)[] = [...COLUMNS.slice(0, 7), 'rejected', ...COLUMNS.slice(7)];
  return shown.filter((c) => f[c] !== undefined).map((c) => `${c} ${f[c]}`).join(', ');
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_ISSUE_PAGE) throw new CliError(`--limit: ${JSON.stringify(value)} is not a whole number from 1 to ${MAX_ISSUE_PAGE}`, 2);
  return n;
}

const service = (system: System) => new IssuesService({ settings: system.settings, issues: system.stores.issues });

export function registerIssues(program: Command): void {
  const group = systemOptions(
    program
      .command('issues')
      .description('list every issue, newest first, with its figures; "issues show ID" for one')
      .option('--limit <n>', `at most n issues (1 to ${MAX_ISSUE_PAGE}, default 20)`, parseLimit)
      .option('--after <id>', 'the issues older than this one (the next page)'),
  ).action(async (opts: SystemOptions & { limit?: number; after?: string }) => {
    const page = await withSystem(opts, (system) => asCommandResult(service(system).list({ limit: opts.limit, after: opts.after })));
    if (page.issues.length === 0) {
      process.stdout.write(opts.after ? `no issue older than ${opts.after}\n` : 'no issue yet: `newsletter send` sends the first one\n');
      return;
    }
    process.stdout.write(issueTable(page.issues));
    if (page.cursor) process.stdout.write(`more: newsletter issues --after ${page.cursor}\n`);
  });

  systemOptions(group.command('show').description("one issue's figures and articles").argument('<id>', 'the issue id, such as 2026-01-05T0700Z')).action(
    async (id: string, opts: SystemOptions) => {
      const issue = await withSystem(opts, (system) => asCommandResult(service(system).show(id)));
      const lines = [
        `issue ${issue.id}: ${issue.status}${issue.pausedUntil && issue.status !== 'sent' ? `, paused until ${issue.pausedUntil.toISOString()}` : ''}`,
        `subject:   ${issue.subject}`,
        `scheduled: ${issue.scheduledFor.toISOString()}${issue.sentAt ? `, sent ${issue.sentAt.toISOString()}` : ''}`,
        `window:    after ${issue.windowStart.toISOString()}, up to ${issue.windowEnd.toISOString()}`,
        `batches:   ${issue.batchesDone} of ${issue.batchesPlanned} done${issue.planComplete ? '' : ', still planning'}`,
        `figures:   ${figuresLine(issue.figures)}`,
        `tracking:  opens ${issue.tracking.opens ? 'on' : 'off'}, clicks ${issue.tracking.clicks ? 'on' : 'off'}`,
        `archive:   ${issue.archiveUrl}`,
        `articles (${issue.articleList.length}):`,
        ...issue.articleList.map((a) => `  ${a.date.toISOString().slice(0, 10)}  ${a.title}  ${a.url}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  );
}
