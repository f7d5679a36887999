/**
 * Holds a received delivery batch back for `seconds` (SQS ChangeMessageVisibility). The SQS client is
 * loaded on the first call only: a delivery worker needs it just when a paused issue has to wait.
 */
export function deferOnSqs(queueUrl: string): (receiptHandle: string, seconds: number) => Promise<void> {
  return async (receiptHandle, seconds) => {
    const [{ SQSClient }, { SqsDeliveryQueue }] = await Promise.all([import('@aws-sdk/client-sqs'), import('../../adapters/sqs-queue.ts')]);
    await new SqsDeliveryQueue(new SQSClient({}), queueUrl).defer(receiptHandle, seconds);
  };
}
