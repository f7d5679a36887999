import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDeliveryStore } from '../../adapters/dynamo/deliveries.ts';
import { DynamoSubscriberStore } from '../../adapters/dynamo/subscribers.ts';
import { documentClient } from '../../adapters/dynamo/table.ts';
import { jsonLogger } from '../../adapters/json-logger.ts';
import { optional, positiveNumber, readEnv, required } from '../env.ts';
import { buildSesEventDeps } from '../services.ts';

/** The SES-events function's dependencies on AWS: the table only. */
export async function sesEventDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const { TABLE_NAME, SOFT_BOUNCE_THRESHOLD } = readEnv({ TABLE_NAME: required, SOFT_BOUNCE_THRESHOLD: optional(positiveNumber) }, env);
  const docs = documentClient(new DynamoDBClient({}));
  return buildSesEventDeps({
    stores: { subscribers: new DynamoSubscriberStore(docs, TABLE_NAME), deliveries: new DynamoDeliveryStore(docs, TABLE_NAME) },
    log: jsonLogger({ service: 'ses-events' }),
    softBounceThreshold: SOFT_BOUNCE_THRESHOLD,
  });
}
