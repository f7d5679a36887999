import type { Logger } from '../core/ports.ts';

/** Human-readable logging for the terminal: warnings and errors on stderr, info only when verbose. */
export function consoleLogger(verbose = false): Logger {
  return {
    info: (message, fields) => {
      if (verbose) process.stderr.write(`${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
    },
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
    error: (message) => process.stderr.write(`error: ${message}\n`),
  };
}
