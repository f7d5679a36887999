/** A message cannot be built: an address or header value that no mail system could carry. */
export class MimeError extends Error {
  override name = 'MimeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
