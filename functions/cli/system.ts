import type { Command } from 'commander';
import { openSystem, type System } from '../wiring/system.ts';
import { consoleLogger } from './console-logger.ts';

export interface SystemOptions {
  content: string;
  data: string;
  verbose?: boolean;
}

/** Adds the options every command that opens the system takes. */
export function systemOptions(command: Command): Command {
  return command
    .option('--content <dir>', 'content directory', 'content')
    .option('--data <dir>', 'local data directory (embedded store, outbox)', '.data')
    .option('--verbose', 'log every step');
}

/** Opens the system (embedded, or AWS when TABLE_NAME is set), runs `fn`, and always closes it. */
export async function withSystem<T>(options: SystemOptions, fn: (system: System) => Promise<T>): Promise<T> {
  const system = await openSystem({ contentDir: options.content, dataDir: options.data, log: consoleLogger(options.verbose) });
  try {
    return await fn(system);
  } finally {
    await system.close();
  }
}
