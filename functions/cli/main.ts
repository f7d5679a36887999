import { Command, CommanderError } from 'commander';
import { registerBuild } from './commands/build.ts';
import { registerImport } from './commands/import.ts';
import { registerSend } from './commands/send.ts';
import { registerServe } from './commands/serve.ts';
import { registerPreview } from './commands/preview.ts';
import { registerStatus } from './commands/status.ts';
import { registerSubscribers } from './commands/subscribers.ts';

export function createProgram(): Command {
  const program = new Command('newsletter')
    .description('Publish a newsletter: feeds, pages and email digests from Markdown articles')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerBuild(program);
  registerImport(program);
  registerSend(program);
  registerServe(program);
  registerPreview(program);
  registerSubscribers(program);
  registerStatus(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI; resolves to the process exit status. Failures print one line to stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode;
    }
    const err = error as Error & { exitCode?: number };
    process.stderr.write(`newsletter: ${err.message.split('\n').join('\n  ')}\n`);
    return typeof err.exitCode === 'number' ? err.exitCode : 1;
  }
}
