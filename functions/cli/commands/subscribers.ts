import { relative } from 'node:path';
import type { Command } from 'commander';
import { defaultIds, LEGACY_NEWSLETTER_ID, newslettersOf } from '../../core/newsletters/list.ts';
import { normaliseName } from '../../core/subscribers/name.ts';
import { EXPORT_COLUMNS, stateSince } from '../../core/subscribers/csv.ts';
import { IMPORT_FORMATS, type ImportFormat } from '../../core/subscribers/formats.ts';
import { normaliseEmail, subscriberId } from '../../core/subscribers/identity.ts';
import { POLICY } from '../../core/policy.ts';
import { SUBSCRIBER_STATES, type Subscriber, type SubscriberState } from '../../core/subscribers/types.ts';
import type { System } from '../../wiring/system.ts';
import { CliError } from '../errors.ts';
import { systemOptions, withSystem, type SystemOptions } from '../system.ts';
import { exportSubscribers, importReport, importSubscribers } from './subscribers-csv.ts';
import { registerSubscribersShow } from './subscribers-show.ts';

const PAGE = 500;

function address(raw: string): string {
  const parsed = normaliseEmail(raw);
  if (!parsed.ok) throw new CliError(`${JSON.stringify(raw)} is not a valid email address: ${parsed.reason}`, 2);
  return parsed.email;
}

function describe(s: Subscriber): string {
  return `${s.state} since ${stateSince(s).toISOString()}`;
}

interface AddChoices {
  name?: string | undefined;
  newsletters?: string[] | undefined;
}

async function addConfirmed(system: System, email: string, now: Date, choices: AddChoices): Promise<string> {
  const store = system.stores.subscribers;
  const name = normaliseName(choices.name);
  if (!name.ok) throw new CliError(`--name: ${name.reason}`, 2);
  const newsletters = choices.newsletters ?? defaultIds(newslettersOf(system.settings));
  if (await store.addConfirmed(email, now, 'cli', { newsletters, name: name.name })) return `added ${email} (confirmed)`;
  const current = await store.get(subscriberId(email));
  if (!current) throw new CliError(`${email} could not be added; try again`);
  if (current.state === 'confirmed') return `${current.email} is already confirmed`;
  if (current.state === 'pending') return confirmPending(system, current, now);
  throw new CliError(`${current.email} is ${describe(current)} and is not resubscribed (they can subscribe again themselves)`);
}

async function addPending(system: System, email: string, now: Date, choices: AddChoices): Promise<string> {
  const store = system.stores.subscribers;
  const before = await store.get(subscriberId(email));
  if (before?.state === 'confirmed') return `${email} is already confirmed`;
  if (before?.state === 'suppressed') throw new CliError(`${email} is ${describe(before)} and gets no mail`);
  // Loaded when used: the confirmation renderer (MJML) takes a second to load.
  const [{ subscriptionService }, { apiMail }] = await Promise.all([import('../../wiring/api.ts'), import('../../wiring/confirmation-mail.ts')]);
  const service = subscriptionService({ ...system, mail: apiMail(system) });
  const result = await service.subscribe(email, now, 'cli', choices);
  if (!result.ok) throw new CliError(`${result.field === 'email' ? JSON.stringify(email) : `--${result.field}`}: ${result.message}`, 2);
  const after = await store.get(subscriberId(email));
  if (after?.confirmationSentAt?.getTime() !== now.getTime()) {
    return `${email} is pending; a confirmation mail went out less than ${POLICY.confirmationCoolDownMs / 60_000} minutes ago, so none was sent now`;
  }
  const where = system.outbox ? ` (embedded mode: the mail is in ${relative(process.cwd(), system.outbox.dir) || '.'})` : '';
  return `added ${email} (pending); confirmation mail sent${where}`;
}

async function confirmPending(system: System, s: Subscriber, now: Date): Promise<string> {
  const outcome = await system.stores.subscribers.confirm(s.id, s.version, now, 'cli');
  if (outcome === 'confirmed') return `confirmed ${s.email}`;
  if (outcome === 'already-confirmed') return `${s.email} is already confirmed`;
  throw new CliError(`${s.email} changed while it was being confirmed; try again`);
}

async function confirm(system: System, email: string, now: Date): Promise<string> {
  const current = await system.stores.subscribers.get(subscriberId(email));
  if (!current) throw new CliError(`${email} is not on the list`);
  if (current.state === 'confirmed') return `${current.email} is already confirmed`;
  if (current.state !== 'pending') {
    throw new CliError(`${current.email} is ${describe(current)}; an opt-out is lifted only by the person, with the confirmation link from their mailbox`);
  }
  return confirmPending(system, current, now);
}

async function remove(system: System, email: string, now: Date): Promise<string> {
  const store = system.stores.subscribers;
  const current = await store.get(subscriberId(email));
  if (!current) throw new CliError(`${email} is not on the list`);
  const outcome = await store.unsubscribe(current.id, now, 'cli');
  if (outcome === 'unsubscribed') return `unsubscribed ${current.email} (kept on record, so no import adds it again)`;
  return `${current.email} is already ${describe(current)}`;
}

async function list(system: System, states: readonly SubscriberState[], limit: number): Promise<void> {
  let left = limit;
  for (const state of states) {
    let after: string | undefined;
    do {
      if (left <= 0) return;
      const page = await system.stores.subscribers.pageByState(state, after, Math.min(PAGE, left));
      const lines = page.items.slice(0, left).map((s) => `${s.email}\t${s.state}\t${stateSince(s).toISOString()}\n`);
      left -= lines.length;
      if (lines.length > 0 && !process.stdout.write(lines.join(''))) await new Promise((r) => process.stdout.once('drain', r));
      after = page.cursor;
    } while (after);
  }
}

function parseState(value: string): SubscriberState {
  if (!(SUBSCRIBER_STATES as readonly string[]).includes(value)) throw new CliError(`--state: ${JSON.stringify(value)} is not one of ${SUBSCRIBER_STATES.join(', ')}`, 2);
  return value as SubscriberState;
}

function parseFormat(value: string): ImportFormat {
  if (!(IMPORT_FORMATS as readonly string[]).includes(value)) throw new CliError(`--format: ${JSON.stringify(value)} is not one of ${IMPORT_FORMATS.join(', ')}`, 2);
  return value as ImportFormat;
}

/** `--newsletters a,b`: ids checked against the publication's (exit 2 naming an unknown one). */
function parseNewsletterIds(system: System, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const known = newslettersOf(system.settings).map((n) => n.id);
  const ids = [...new Set(value.split(/[\s,]+/).filter(Boolean))];
  const unknown = ids.filter((id) => !known.includes(id));
  if (ids.length === 0 || unknown.length > 0) throw new CliError(`--newsletters: ${unknown.length > 0 ? `no newsletter ${unknown.map((id) => JSON.stringify(id)).join(', ')}` : 'name at least one'} (there are: ${known.join(', ')})`, 2);
  return ids;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new CliError(`--limit: ${JSON.stringify(value)} is not a positive whole number`, 2);
  return n;
}

const IMPORT_HELP = `
The file is CSV with a header row; the separator (comma, semicolon or tab) is read from the header.
Its format is read from the header row too (or say it with --format):

  ours        "email" (any case) and the columns "subscribers export" writes: name, state, newsletters
              (ids separated by spaces), newsletter_opt_outs, created_at, confirmed_at, unsubscribed_at,
              suppressed_at, suppressed_reason, requested_at, history
  mailchimp   an audience export file: "Email Address", "First Name", "Last Name", OPTIN_TIME,
              CONFIRM_TIME; the unsubscribed file (UNSUB_TIME) is recorded as unsubscribed, the cleaned
              file (CLEAN_TIME) as suppressed: import each of the three files
  substack    email, email_disabled (true: unsubscribed), created_at
  ghost       email, name, subscribed_to_emails (false: unsubscribed), created_at, deleted_at
  buttondown  email (or email_address), subscriber_type (or type): regular, premium and the other
              paying types confirmed; unactivated pending; unsubscribed and removed unsubscribed;
              spammy and undeliverable suppressed; creation_date

Rows that name no newsletter join those of --newsletters, or else read as the newsletter "digest" (the
one a single digest: publication has). Any other column is ignored. Each record must be on one line: a
broken quote loses only its line.

  email (and state confirmed or empty)  added as confirmed: you vouch for each person's consent
  state unsubscribed or suppressed      recorded in that state (with an open request to subscribe
                                        again, if the row has one), so nobody is mailed or re-added
  state pending                         recorded as pending: never mailed until they confirm, and
                                        removed unconfirmed after a week like any new address

An address already on the list, in any state, is left as it is and counted as already present, so
importing a file twice changes nothing and never resubscribes anyone. Each row is written whole, in
the state it asks for, or not at all. Bad rows (an invalid address, a broken quote, a duplicate of an
earlier line, the wrong number of columns, a row the store refuses) are listed as FILE:LINE on stderr
and the rest is imported. Exits 0 when any row was imported or already present.`;

const EXPORT_HELP = `
Columns: ${EXPORT_COLUMNS.join(',')} (times in UTC; history is the consent ledger as JSON).
Every subscriber in every state, pending requests included; "subscribers import" of the file into an
empty store gives back every subscriber, opt-out and request. Cells a spreadsheet would run as a
formula (starting with = + - @) are written with a leading apostrophe, which import removes.`;

type Options = SystemOptions;

export function registerSubscribers(program: Command): void {
  const group = program.command('subscribers').description('add, confirm, remove, show, list, import and export subscribers');

  systemOptions(
    group
      .command('add')
      .description('add a subscriber as confirmed (you vouch for their consent), or with --pending send the double opt-in mail')
      .argument('<email>', 'the address')
      .option('--pending', 'add as pending and send the confirmation mail instead')
      .option('--name <name>', "the subscriber's name (for the greeting)")
      .option('--newsletters <ids>', 'newsletter ids, comma-separated (default: the default ones)'),
  ).action(async (raw: string, opts: Options & { pending?: boolean; name?: string; newsletters?: string }) => {
    const email = address(raw);
    const message = await withSystem(opts, (system) => {
      const choices = { name: opts.name, newsletters: parseNewsletterIds(system, opts.newsletters) };
      return opts.pending ? addPending(system, email, new Date(), choices) : addConfirmed(system, email, new Date(), choices);
    });
    process.stdout.write(`${message}\n`);
  });

  systemOptions(group.command('confirm').description('confirm a pending subscriber').argument('<email>', 'the address')).action(
    async (raw: string, opts: Options) => {
      const email = address(raw);
      process.stdout.write(`${await withSystem(opts, (system) => confirm(system, email, new Date()))}\n`);
    },
  );

  systemOptions(
    group.command('remove').description('unsubscribe an address; the record stays, so no import adds it again').argument('<email>', 'the address'),
  ).action(async (raw: string, opts: Options) => {
    const email = address(raw);
    process.stdout.write(`${await withSystem(opts, (system) => remove(system, email, new Date()))}\n`);
  });

  registerSubscribersShow(group);

  systemOptions(
    group
      .command('list')
      .description('print subscribers as "email<TAB>state<TAB>since", page by page')
      .option('--state <state>', `only this state: ${SUBSCRIBER_STATES.join(', ')}`, parseState)
      .option('--limit <n>', 'print at most n', parseLimit),
  ).action(async (opts: Options & { state?: SubscriberState; limit?: number }) => {
    await withSystem(opts, (system) => list(system, opts.state ? [opts.state] : SUBSCRIBER_STATES, opts.limit ?? Number.POSITIVE_INFINITY));
  });

  systemOptions(
    group
      .command('import')
      .description('import subscribers from a CSV file: ours, or an export of Mailchimp, Substack, Ghost or Buttondown')
      .argument('<file>', 'the CSV file')
      .option('--format <format>', `the file's format, instead of reading it from the header row: ${IMPORT_FORMATS.join(', ')}`, parseFormat)
      .option('--newsletters <ids>', 'newsletter ids (comma-separated) for the rows that name none')
      .addHelpText('after', IMPORT_HELP),
  ).action(async (file: string, opts: Options & { format?: ImportFormat; newsletters?: string }) => {
    const summary = await withSystem(opts, (system) => {
      const known = newslettersOf(system.settings).map((n) => n.id);
      const choices = { known, fallback: parseNewsletterIds(system, opts.newsletters), legacy: known.includes(LEGACY_NEWSLETTER_ID) };
      return importSubscribers(system.stores.subscribers, file, new Date(), POLICY.pendingTtlMs, { format: opts.format, choices });
    });
    process.stdout.write(importReport(summary));
    if (summary.imported + summary.recordedOptOuts + summary.pendingImported + summary.alreadyPresent === 0 && summary.badRows.length > 0) {
      throw new CliError(`nothing in ${file} could be imported`);
    }
  });

  systemOptions(
    group
      .command('export')
      .description('write every subscriber as CSV to FILE, or to stdout')
      .argument('[file]', 'the CSV file to write (default: stdout)')
      .addHelpText('after', EXPORT_HELP),
  ).action(async (file: string | undefined, opts: Options) => {
    const rows = await withSystem(opts, (system) => exportSubscribers(system.stores.subscribers, file));
    if (file !== undefined) process.stdout.write(`exported ${rows} subscribers to ${file}\n`);
  });
}
