import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from '../core/schema.ts';
import type { Logger } from '../core/ports.ts';
import type { BatchDeliverer } from '../core/sending/deliver.ts';

export interface DeliverHandlerDeps {
  deliverer: BatchDeliverer;
  log: Logger;
  now: () => Date;
  /** Hides a received message until a paused issue resumes (SQS ChangeMessageVisibility). */
  defer(receiptHandle: string, seconds: number): Promise<void>;
}

const text = (min: number) => z.string().check(z.minLength(min));
const batchSchema = z.object({
  issueId: text(1),
  batch: z.int().check(z.minimum(1)),
  recipients: z.array(z.object({ id: text(1), email: text(3), unsubscribeToken: text(1), preferencesToken: z.optional(text(1)) })),
});

/** SQS batch of delivery batches; reports partial failures so only unfinished batches come back. */
export function deliverHandler(deps: DeliverHandlerDeps) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        deps.log.error('queue message is not JSON; dropped', { messageId: record.messageId });
        continue;
      }
      const parsed = batchSchema.safeParse(body);
      if (!parsed.success) {
        deps.log.error('queue message is not a delivery batch; dropped', { messageId: record.messageId, problem: parsed.error.issues[0]?.message });
        continue;
      }
      try {
        const result = await deps.deliverer.deliver(parsed.data);
        if (result.outcome === 'retry') failures.push({ itemIdentifier: record.messageId });
        if (result.outcome === 'paused') {
          await deps.defer(record.receiptHandle, (result.until.getTime() - deps.now().getTime()) / 1000);
          failures.push({ itemIdentifier: record.messageId });
        }
      } catch (error) {
        deps.log.error('batch failed', { messageId: record.messageId, issueId: parsed.data.issueId, batch: parsed.data.batch, error: (error as Error).message, requestId: context?.awsRequestId });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
