import type { Command } from 'commander';
import { DataDirError } from '../wiring/data-errors.ts';
import { openSystem, type System } from '../wiring/system.ts';
import { consoleLogger } from './console-logger.ts';
import { CliError } from './errors.ts';

export interface SystemOptions {
  content: string;
  /** Absent: the default `.data`, made on first use. */
  data?: string;
  create?: boolean;
  verbose?: boolean;
}

export const DEFAULT_DATA_DIR = '.data';

/** Adds the options every command that opens the system takes. */
export function systemOptions(command: Command): Command {
  return command
    .option('--content <dir>', 'content directory', 'content')
    .option('--data <dir>', `local data directory (embedded store, outbox; default: ${DEFAULT_DATA_DIR}, made on first use)`)
    .option('--create', 'make the --data directory if it does not exist')
    .option('--verbose', 'log every step');
}

/**
 * The data directory the options name, and whether it may be made: the default one always (a fresh
 * clone's first run), one given with --data only with --create (so a mistyped path is not taken for
 * an empty list).
 */
export function dataDirOptions(options: { data?: string | undefined; create?: boolean | undefined }): { dataDir: string; createDataDir: boolean } {
  return { dataDir: options.data ?? DEFAULT_DATA_DIR, createDataDir: options.create === true || options.data === undefined };
}

/** A data directory the caller named that is not there is a bad argument (exit 2). */
export function asCliError(error: unknown): unknown {
  if (error instanceof DataDirError && error.problem === 'missing-dir') {
    return new CliError(`--data: ${error.message} (pass --create to make it)`, 2, { cause: error });
  }
  return error;
}

/** Opens the system (embedded, or AWS when TABLE_NAME is set), runs `fn`, and always closes it. */
export async function withSystem<T>(options: SystemOptions, fn: (system: System) => Promise<T>): Promise<T> {
  let system: System;
  try {
    system = await openSystem({ contentDir: options.content, ...dataDirOptions(options), log: consoleLogger(options.verbose) });
  } catch (error) {
    throw asCliError(error);
  }
  try {
    return await fn(system);
  } finally {
    await system.close();
  }
}
