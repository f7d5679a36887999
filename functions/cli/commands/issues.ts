import type { Command } from 'commander';
import type { IssueFigures, IssueRow } from '../../core/admin/figures.ts';
import { IssuesService, MAX_ISSUE_PAGE } from '../../core/admin/issues.ts';
import type { System } from '../../wiring/system.ts';
import { asCommandResult, CliError } from '../errors.ts';
import { systemOptions, withSystem, type SystemOptions } from '../system.ts';

const COLUMNS: (keyof IssueFigures)[] = ['planned', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'complained', 'opened', 'clicked'];

/** The console's issue listing as a table: the tracked columns only when some issue tracked them, the newsletter's name when there are several. */
export function issueTable(rows: readonly IssueRow[], several = false): string {
  const columns = COLUMNS.filter((c) => rows.some((r) => r.figures[c] !== undefined));
  const names = several ? ['newsletter'] : [];
  const header = ['issue', ...names, 'status', ...columns, 'subject'];
  const lines = rows.map((r) => [r.id, ...(several ? [r.newsletter.name] : []), r.status, ...columns.map((c) => (r.figures[c] === undefined ? '-' : String(r.figures[c]))), r.subject]);
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  // Names left-aligned, figures right-aligned; the subject last, as long as it is.
  const format = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : i < 2 + names.length ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
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
      .option('--after <id>', 'the issues older than this one (the next page)')
      .option('--newsletter <id>', "only this newsletter's issues (its id in content/publication.yaml; default: every newsletter's)"),
  ).action(async (opts: SystemOptions & { limit?: number; after?: string; newsletter?: string }) => {
    if (opts.newsletter !== undefined && !/^[a-z0-9-]{1,40}$/.test(opts.newsletter)) throw new CliError(`--newsletter: ${JSON.stringify(opts.newsletter)} is not a newsletter id`, 2);
    const page = await withSystem(opts, (system) => asCommandResult(service(system).list({ limit: opts.limit, after: opts.after, newsletter: opts.newsletter })));
    if (page.issues.length === 0) {
      process.stdout.write(opts.after ? `no issue older than ${opts.after}\n` : 'no issue yet: `newsletter send` sends the first one\n');
      return;
    }
    process.stdout.write(issueTable(page.issues, page.newsletters.length > 1));
    if (page.cursor) process.stdout.write(`more: newsletter issues --after ${page.cursor}${opts.newsletter ? ` --newsletter ${opts.newsletter}` : ''}\n`);
  });

  systemOptions(group.command('show').description("one issue's figures and articles").argument('<id>', 'the issue id, such as 2026-01-05T0700Z')).action(
    async (id: string, opts: SystemOptions) => {
      const issue = await withSystem(opts, (system) => asCommandResult(service(system).show(id)));
      const lines = [
        `issue ${issue.id}: ${issue.status}${issue.pausedUntil && issue.status !== 'sent' ? `, paused until ${issue.pausedUntil.toISOString()}` : ''}`,
        `newsletter: ${issue.newsletter.name} (${issue.newsletter.id})`,
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
