import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsDeliveryQueue } from '../../adapters/sqs-queue.ts';
import type { DeliveryQueue } from '../../core/sending/ports.ts';

/** The delivery queue the planner sends batches to. */
export function sqsQueue(queueUrl: string): DeliveryQueue {
  return new SqsDeliveryQueue(new SQSClient({}), queueUrl);
}
