/** A failure the CLI reports as one line, with its exit status. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A console service's refusal as the CLI reports it: a malformed argument exits 2, anything else 1. */
export async function asCommandResult<T>(run: Promise<T>): Promise<T> {
  try {
    return await run;
  } catch (error) {
    const refused = error as Error & { code?: unknown };
    if (refused.name === 'AdminError') throw new CliError(refused.message, refused.code === 'bad-request' ? 2 : 1, { cause: error });
    throw error;
  }
}
