import type { SendStarter } from '../../core/admin/ports.ts';
import { normaliseEmail } from '../../core/subscribers/identity.ts';
import { asCommandResult, CliError } from '../errors.ts';
import { withSystem, type SystemOptions } from '../system.ts';

/** A test send starts no send. */
const NO_SEND: SendStarter = {
  start: async () => {
    throw new Error('a test send never starts a send');
  },
};

export const TEST_OPTION = ['--test <address>', 'send the issue due now to this one address as a test: subject marked "[Test]", never recorded, counted or moving the watermark'] as const;

/**
 * `send --test ADDRESS`: the console's test send (core/admin/send.ts) from the command line, through
 * the same mailer (the outbox on one machine, SES with TABLE_NAME set).
 */
export async function sendTest(raw: string, opts: SystemOptions & { at?: string; dryRun?: boolean; newsletter?: string }): Promise<void> {
  if (opts.at !== undefined || opts.dryRun) throw new CliError('--test sends the issue due now as a test: leave out --at and --dry-run', 2);
  const address = normaliseEmail(raw);
  if (!address.ok) throw new CliError(`--test: ${JSON.stringify(raw)} is not a valid email address: ${address.reason}`, 2);
  // Loaded when used: the renderer (MJML) takes a second to load.
  const { adminDeps } = await import('../../wiring/admin.ts');
  await withSystem(opts, async (system) => {
    const { send } = adminDeps({ ...system, starter: NO_SEND });
    const sent = await asCommandResult(send.test(address.email, new Date(), 'cli', { newsletter: opts.newsletter }));
    process.stdout.write(`test of issue ${sent.issueId} sent to ${sent.to}: "${sent.subject}" (not recorded, counted nowhere)\n`);
    if (system.outbox) process.stdout.write(`outbox: ${system.outbox.dir}\n`);
  });
}
