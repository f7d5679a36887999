import { resolve } from 'node:path';
import type { Command } from 'commander';
import { newslettersOf } from '../../core/newsletters/list.ts';
import type { Logger } from '../../core/ports.ts';
import { prepareDataDir } from '../../wiring/data-dir.ts';
import { CliError } from '../errors.ts';
import { asCliError, dataDirOptions, DEFAULT_DATA_DIR } from '../system.ts';

function lineLogger(): Logger {
  const stamp = () => new Date().toISOString().slice(11, 19);
  const fields = (f?: Record<string, unknown>) => (f && Object.keys(f).length > 0 ? ` ${JSON.stringify(f)}` : '');
  return {
    info: (m, f) => process.stdout.write(`${stamp()} ${m}${fields(f)}\n`),
    warn: (m, f) => process.stderr.write(`${stamp()} warning: ${m}${fields(f)}\n`),
    error: (m, f) => process.stderr.write(`${stamp()} error: ${m}${fields(f)}\n`),
  };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the whole product on this machine: site, feeds, subscribe API, digest preview, outbox and the digest schedule')
    .option('--port <port>', 'port to listen on (default: PORT or 3000)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--content <dir>', 'content directory', 'content')
    .option('--data <dir>', `local data directory (embedded store, outbox, built site; default: ${DEFAULT_DATA_DIR}, made on first use)`)
    .option('--create', 'make the --data directory if it does not exist')
    .option('--no-schedule', 'do not run the digest schedule')
    .action(async (opts: { port?: string; host: string; content: string; data?: string; create?: boolean; schedule: boolean }) => {
      const port = Number(opts.port ?? process.env.PORT ?? 3000);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: ${JSON.stringify(opts.port ?? process.env.PORT)} is not a port number`, 2);
      const { PortInUseError, startServer } = await import('../../local/server.ts');
      const log = lineLogger();
      const { dataDir, createDataDir } = dataDirOptions(opts);
      let server;
      try {
        prepareDataDir(resolve(dataDir), { create: createDataDir });
        server = await startServer({ port, host: opts.host, contentDir: opts.content, dataDir, log, schedule: opts.schedule });
      } catch (error) {
        if (error instanceof PortInUseError) throw new CliError(error.message);
        throw asCliError(error);
      }
      const u = server.url;
      process.stdout.write(
        [
          `newsletter is running at ${u}`,
          `  site        ${u}`,
          `  feeds       ${u}feed.xml  ${u}atom.xml  ${u}feed.json`,
          `  subscribe   ${u}subscribe`,
          `  preview     ${u}preview`,
          `  outbox      ${u}outbox`,
          `  console     ${u}admin/#secret=${server.adminToken}  (this address is the console's key until the server stops)`,
          `  schedule    ${opts.schedule ? newslettersOf(server.system.settings).map((n) => `${n.id} ${n.schedule.cron} (${n.schedule.timezone})`).join('; ') : 'off'}`,
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stdout.write('stopping…\n');
          server.close().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write('stopped\n');
    });
}
