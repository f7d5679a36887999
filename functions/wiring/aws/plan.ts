import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { SqsDeliveryQueue } from '../../adapters/sqs-queue.ts';
import { readEnv } from '../env.ts';
import { buildPlanDeps } from '../services-render.ts';
import { common } from './common.ts';

/** The plan-issue function's dependencies on AWS. */
export async function planDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const c = await common('plan-issue', env);
  const { QUEUE_URL } = readEnv({ QUEUE_URL: z.string().min(1) }, env);
  return buildPlanDeps({ ...c, queue: new SqsDeliveryQueue(new SQSClient({}), QUEUE_URL) });
}
