/** Stable codes for what can go wrong when handing a message to the mail service. */
export type MailerErrorCode =
  /** The service asked us to slow down and retries ran out: try the message again later. */
  | 'THROTTLED'
  /** The account's daily sending quota is used up: pause the issue. */
  | 'DAILY_QUOTA'
  /** This message or address was refused for good: record and move on. */
  | 'REJECTED'
  /** Nothing can be sent (identity, account, configuration): stop and alert. */
  | 'FATAL'
  /** Network or service trouble: try the message again later. */
  | 'TRANSIENT';

export class MailerError extends Error {
  override name = 'MailerError';
  /** How many times the service asked to slow down while this message was tried. */
  readonly throttled: number;
  constructor(readonly code: MailerErrorCode, message: string, options?: { cause?: unknown; throttled?: number }) {
    super(message, options);
    this.throttled = options?.throttled ?? 0;
  }
}

export class PlanningError extends Error {
  override name = 'PlanningError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
