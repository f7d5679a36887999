import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { DynamoDeliveryStore } from '../../adapters/dynamo/deliveries.ts';
import { DynamoSubscriberStore } from '../../adapters/dynamo/subscribers.ts';
import { documentClient } from '../../adapters/dynamo/table.ts';
import { jsonLogger } from '../../adapters/json-logger.ts';
import { readEnv } from '../env.ts';
import { buildSesEventDeps } from '../services.ts';

/** The SES-events function's dependencies on AWS: the table only. */
export async function sesEventDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const { TABLE_NAME, SOFT_BOUNCE_THRESHOLD } = readEnv({ TABLE_NAME: z.string().min(1), SOFT_BOUNCE_THRESHOLD: z.coerce.number().positive().optional() }, env);
  const docs = documentClient(new DynamoDBClient({}));
  return buildSesEventDeps({
    stores: { subscribers: new DynamoSubscriberStore(docs, TABLE_NAME), deliveries: new DynamoDeliveryStore(docs, TABLE_NAME) },
    log: jsonLogger({ service: 'ses-events' }),
    softBounceThreshold: SOFT_BOUNCE_THRESHOLD,
  });
}
