import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoStores } from '../../adapters/dynamo/stores.ts';
import { documentClient } from '../../adapters/dynamo/table.ts';
import { jsonLogger } from '../../adapters/json-logger.ts';
import { readEnv, required } from '../env.ts';
import { buildDeliverDeps } from '../services.ts';
import { sesMailer } from './mail.ts';

/**
 * The delivery worker's dependencies on AWS: the table and SES. The issue carries the rendered digest
 * and the settings it was planned with, and each recipient in a batch carries its signed unsubscribe
 * token, so the worker reads no content, renders nothing and holds no secret; the SQS client is
 * loaded only when a paused issue has to hide its batch.
 */
export async function deliverDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const { TABLE_NAME, QUEUE_URL } = readEnv({ TABLE_NAME: required, QUEUE_URL: required }, env);
  const docs = documentClient(new DynamoDBClient({}));
  return buildDeliverDeps({
    stores: dynamoStores(docs, TABLE_NAME),
    mailer: sesMailer(env),
    log: jsonLogger({ service: 'deliver' }),
    defer: async (handle, seconds) => {
      const [{ SQSClient }, { SqsDeliveryQueue }] = await Promise.all([import('@aws-sdk/client-sqs'), import('../../adapters/sqs-queue.ts')]);
      await new SqsDeliveryQueue(new SQSClient({}), QUEUE_URL).defer(handle, seconds);
    },
  });
}
