import { GetSendQuotaCommand, SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { Mailer, OutgoingMessage } from '../core/ports.ts';
import { MailerError } from '../core/sending/errors.ts';
import { Pacer } from './pacer.ts';

export interface SesMailerOptions {
  configurationSet?: string | undefined;
  /** Messages per second for this sender; read from GetSendQuota when absent. */
  maxSendRate?: number | undefined;
  /** Attempts per message when SES throttles (the SDK client itself should make one attempt). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const TAG_VALUE = /[^A-Za-z0-9_.@-]/g;

/** Maps an SES error to our stable codes; callers never look at SDK internals. */
export function classifySesError(error: unknown): MailerError {
  const e = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const name = e?.name ?? e?.Code ?? 'Error';
  const message = e?.message ?? String(error);
  if (/daily message quota exceeded/i.test(message)) return new MailerError('DAILY_QUOTA', message, { cause: error });
  if (name === 'Throttling' || name === 'ThrottlingException' || /maximum sending rate exceeded|rate exceeded/i.test(message)) {
    return new MailerError('THROTTLED', message, { cause: error });
  }
  if (name === 'MessageRejected' || name === 'InvalidParameterValue' || name === 'InvalidParameterValueException') {
    return new MailerError('REJECTED', message, { cause: error });
  }
  if (
    name === 'MailFromDomainNotVerifiedException' ||
    name === 'ConfigurationSetDoesNotExistException' ||
    name === 'ConfigurationSetSendingPausedException' ||
    name === 'AccountSendingPausedException' ||
    name === 'AccessDenied' ||
    name === 'AccessDeniedException' ||
    name === 'InvalidClientTokenId' ||
    name === 'SignatureDoesNotMatch'
  ) {
    return new MailerError('FATAL', message, { cause: error });
  }
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) return new MailerError('REJECTED', message, { cause: error });
  return new MailerError('TRANSIENT', message, { cause: error });
}

/**
 * Amazon SES `SendRawEmail`, paced to the account's maximum send rate, retrying throttling with
 * exponential backoff and full jitter. Errors come out as MailerError with a stable code.
 */
export class SesMailer implements Mailer {
  private pacer: Promise<Pacer> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Throttled responses seen (for reporting). */
  throttled = 0;

  constructor(private readonly client: SESClient, private readonly options: SesMailerOptions = {}) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  private rate(): Promise<Pacer> {
    this.pacer ??= (async () => {
      if (this.options.maxSendRate) return new Pacer(this.options.maxSendRate, undefined, undefined, this.sleep);
      try {
        const quota = await this.client.send(new GetSendQuotaCommand({}));
        return new Pacer(Math.max(1, quota.MaxSendRate ?? 1), undefined, undefined, this.sleep);
      } catch (error) {
        this.pacer = undefined;
        throw classifySesError(error);
      }
    })();
    return this.pacer;
  }

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const pacer = await this.rate();
    const attempts = this.options.maxAttempts ?? 8;
    const base = this.options.baseDelayMs ?? 100;
    const cap = this.options.maxDelayMs ?? 10_000;
    for (let attempt = 1; ; attempt++) {
      await pacer.take();
      try {
        const out = await this.client.send(
          new SendRawEmailCommand({
            RawMessage: { Data: message.raw },
            Source: message.from,
            Destinations: [message.to],
            ConfigurationSetName: this.options.configurationSet,
            Tags: message.tags
              ? Object.entries(message.tags).map(([Name, Value]) => ({ Name, Value: Value.replace(TAG_VALUE, '_') }))
              : undefined,
          }),
        );
        if (!out.MessageId) throw new MailerError('TRANSIENT', 'SES returned no message id');
        return { messageId: out.MessageId };
      } catch (error) {
        const mapped = error instanceof MailerError ? error : classifySesError(error);
        if (mapped.code !== 'THROTTLED' || attempt >= attempts) throw mapped;
        this.throttled++;
        const delay = this.random() * Math.min(cap, base * 2 ** (attempt - 1));
        pacer.backOff(delay);
      }
    }
  }
}
