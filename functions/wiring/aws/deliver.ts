import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { SqsDeliveryQueue } from '../../adapters/sqs-queue.ts';
import { readEnv } from '../env.ts';
import { buildDeliverDeps } from '../services.ts';
import { common, sesMailer } from './common.ts';

/** The delivery worker's dependencies on AWS (no template rendering: the issue is rendered already). */
export async function deliverDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const c = await common('deliver', env);
  const { QUEUE_URL } = readEnv({ QUEUE_URL: z.string().min(1) }, env);
  const queue = new SqsDeliveryQueue(new SQSClient({}), QUEUE_URL);
  return buildDeliverDeps({ ...c, mailer: sesMailer(env), defer: (handle, seconds) => queue.defer(handle, seconds) });
}
