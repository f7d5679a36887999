import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryQueue } from '../core/sending/ports.ts';
import type { BatchMessage } from '../core/sending/types.ts';

/**
 * The SQS commands, loaded on first use. A dynamic import of the SDK itself stays dynamic in a bundle
 * (a static one would be hoisted to the bundle's top): the delivery worker loads SQS only on the rare
 * occasion it has to hide a paused batch.
 */
const commands = () => import('@aws-sdk/client-sqs');

/** The delivery queue on Amazon SQS: one message per batch. */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(private readonly client: SQSClient, private readonly queueUrl: string) {}

  async enqueue(message: BatchMessage): Promise<void> {
    const { SendMessageCommand } = await commands();
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
  }

  /** Keeps a received message hidden for `seconds` (at most SQS's 12 hours): used to wait out a paused issue. */
  async defer(receiptHandle: string, seconds: number): Promise<void> {
    const { ChangeMessageVisibilityCommand } = await commands();
    await this.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.max(0, Math.min(43_200, Math.ceil(seconds))) }),
    );
  }
}
