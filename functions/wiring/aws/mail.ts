import { SESClient } from '@aws-sdk/client-ses';
import { z } from 'zod';
import { SesMailer } from '../../adapters/ses-mailer.ts';
import type { Mailer } from '../../core/ports.ts';
import { readEnv } from '../env.ts';

/** SES for mail: `SES_CONFIGURATION_SET`, and `MAX_SEND_RATE` (this worker's share of the account's rate). */
export function sesMailer(env: NodeJS.ProcessEnv): Mailer {
  const { SES_CONFIGURATION_SET, MAX_SEND_RATE } = readEnv({ SES_CONFIGURATION_SET: z.string().min(1).optional(), MAX_SEND_RATE: z.coerce.number().positive().optional() }, env);
  // One attempt per SDK call: the mailer paces and retries throttling itself.
  return new SesMailer(new SESClient({ maxAttempts: 1 }), { configurationSet: SES_CONFIGURATION_SET, maxSendRate: MAX_SEND_RATE });
}
