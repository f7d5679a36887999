/** A problem with one input (a file, a line, a field) that the user can fix. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${detail}`, options);
  }
}

/** The publication settings file is missing or invalid: nothing can be built. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
