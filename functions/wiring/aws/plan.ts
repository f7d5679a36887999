import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsDeliveryQueue } from '../../adapters/sqs-queue.ts';
import { readEnv, required } from '../env.ts';
import { buildPlanDeps } from '../services-render.ts';
import { common } from './common.ts';

/** The plan-issue function's dependencies on AWS. */
export async function planDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const c = await common('plan-issue', env);
  const { QUEUE_URL } = readEnv({ QUEUE_URL: required }, env);
  return buildPlanDeps({ ...c, queue: new SqsDeliveryQueue(new SQSClient({}), QUEUE_URL) });
}
