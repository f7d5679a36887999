import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Help } from 'commander';
import { PROJECT_ROOT } from '../wiring/paths.ts';

type Register = (program: Command) => void;

/**
 * Every command, as `--help` lists it, and the module that defines it. Only the module of the command
 * being run is loaded: `build` never loads the store, the mailer or the AWS SDK. The terms and
 * descriptions repeat what each module declares (tests/unit/cli-commands.test.ts keeps them equal).
 */
export const COMMANDS: { name: string; term: string; description: string; load: () => Promise<Register> }[] = [
  {
    name: 'build',
    term: 'build [options]',
    description: 'build the feeds (RSS, Atom, JSON Feed), article pages and index from the content directory',
    load: async () => (await import('./commands/build.ts')).registerBuild,
  },
  {
    name: 'import',
    term: 'import [options] <file>',
    description: 'turn a plain-text article (as a newsroom hands it over) into a Markdown content file',
    load: async () => (await import('./commands/import.ts')).registerImport,
  },
  {
    name: 'send',
    term: 'send [options]',
    description: "plan and deliver each newsletter's issue due now (or at --at); running it again sends nothing twice",
    load: async () => (await import('./commands/send.ts')).registerSend,
  },
  {
    name: 'serve',
    term: 'serve [options]',
    description: 'run the whole product on this machine: site, feeds, subscribe API, digest preview, outbox and the digest schedule',
    load: async () => (await import('./commands/serve.ts')).registerServe,
  },
  {
    name: 'preview',
    term: 'preview [options]',
    description: 'write the digest that would go out now (digest.html, digest.txt, digest.eml) as one subscriber would get it',
    load: async () => (await import('./commands/preview.ts')).registerPreview,
  },
  {
    name: 'subscribers',
    term: 'subscribers',
    description: 'add, confirm, remove, show, list, import and export subscribers',
    load: async () => (await import('./commands/subscribers.ts')).registerSubscribers,
  },
  {
    name: 'issues',
    term: 'issues [options]',
    description: 'list every issue, newest first, with its figures; "issues show ID" for one',
    load: async () => (await import('./commands/issues.ts')).registerIssues,
  },
  {
    name: 'status',
    term: 'status [options]',
    description: "subscribers by state, and each newsletter's last issue and next scheduled send",
    load: async () => (await import('./commands/status.ts')).registerStatus,
  },
];

/** The command a command line runs (`help build` asks about `build`), if it names one. */
function invokedCommand(argv: string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** The product's version, from package.json. */
export function productVersion(): string {
  const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}

/** The program with every command listed and, fully defined, the one `argv` runs (all of them without argv). */
export async function createProgram(argv?: string[]): Promise<Command> {
  const program = new Command('newsletter')
    .description('Publish a newsletter: feeds, pages and email digests from Markdown articles')
    .showHelpAfterError('(run with --help for usage)')
    .version(productVersion(), '-V, --version', 'print the version')
    .exitOverride();
  const invoked = argv && invokedCommand(argv);
  const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
  const standard = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? standard.subcommandTerm(cmd) });
  for (const command of COMMANDS) {
    if (argv === undefined || command.name === invoked) (await command.load())(program);
    else program.command(command.name).description(command.description);
  }
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI; resolves to the process exit status. Failures print one line to stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    await (await createProgram(argv)).parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors (an unknown option or command, a missing argument) were
      // already printed by commander and, like every bad argument, exit 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    const err = error as Error & { exitCode?: number };
    process.stderr.write(`newsletter: ${err.message.split('\n').join('\n  ')}\n`);
    return typeof err.exitCode === 'number' ? err.exitCode : 1;
  }
}
