/** A failure the CLI reports as one line, with its exit status. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
  }
}
