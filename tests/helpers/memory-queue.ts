import type { DeliveryQueue } from '../../functions/core/sending/ports.ts';
import type { BatchMessage } from '../../functions/core/sending/types.ts';

/** Collects what the planner enqueues; tests hand it to the delivery handler as SQS events. */
export class MemoryQueue implements DeliveryQueue {
  readonly messages: BatchMessage[] = [];
  async enqueue(message: BatchMessage): Promise<void> {
    this.messages.push(structuredClone(message));
  }
  drain(): BatchMessage[] {
    return this.messages.splice(0);
  }
}
