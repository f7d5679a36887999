/** Why the console or the CLI refused an operator's request: the handler maps the code to a status. */
export type AdminErrorCode =
  /** The request names something malformed (an address, a state, a cursor): fix it and ask again. */
  | 'bad-request'
  /** Nothing of that name (a subscriber, an issue, a newsletter). */
  | 'not-found'
  /** The request no longer fits what is stored (the issue due changed, an opt-out holds, a send runs). */
  | 'conflict';

export class AdminError extends Error {
  override name = 'AdminError';
  constructor(readonly code: AdminErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
