import { SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../../adapters/ses-mailer.ts';
import type { Mailer } from '../../core/ports.ts';

/** Mail through SES: every message through the configuration set, at most `maxSendRate` a second. */
export function sesMailer(options: { configurationSet?: string | undefined; maxSendRate?: number | undefined }): Mailer {
  // One attempt per SDK call: the mailer paces and retries throttling itself.
  return new SesMailer(new SESClient({ maxAttempts: 1 }), options);
}
