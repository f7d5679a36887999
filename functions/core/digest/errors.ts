/** The digest cannot be rendered: a template is broken or the schedule cannot be read. */
export class DigestError extends Error {
  override name = 'DigestError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
