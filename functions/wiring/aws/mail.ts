import { SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../../adapters/ses-mailer.ts';
import type { Mailer } from '../../core/ports.ts';
import { optional, positiveNumber, readEnv, required } from '../env.ts';

/** SES for mail: `SES_CONFIGURATION_SET`, and `MAX_SEND_RATE` (this worker's share of the account's rate). */
export function sesMailer(env: NodeJS.ProcessEnv): Mailer {
  const { SES_CONFIGURATION_SET, MAX_SEND_RATE } = readEnv({ SES_CONFIGURATION_SET: optional(required), MAX_SEND_RATE: optional(positiveNumber) }, env);
  // One attempt per SDK call: the mailer paces and retries throttling itself.
  return new SesMailer(new SESClient({ maxAttempts: 1 }), { configurationSet: SES_CONFIGURATION_SET, maxSendRate: MAX_SEND_RATE });
}
