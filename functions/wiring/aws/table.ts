import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDeliveryStore } from '../../adapters/dynamo/deliveries.ts';
import { DynamoIssueStore } from '../../adapters/dynamo/issues.ts';
import { dynamoStores } from '../../adapters/dynamo/stores.ts';
import { DynamoSubscriberStore } from '../../adapters/dynamo/subscribers.ts';
import { documentClient } from '../../adapters/dynamo/table.ts';
import type { Stores } from '../stores.ts';

const docs = () => documentClient(new DynamoDBClient({}));

/** The stores over the table, with the function's own region and credentials. */
export function tableStores(tableName: string): Stores {
  return dynamoStores(docs(), tableName);
}

/** The subscriber, delivery and issue stores: all the SES-events function touches, and all its bundle carries. */
export function eventStores(tableName: string): Pick<Stores, 'subscribers' | 'deliveries' | 'issues'> {
  const client = docs();
  return { subscribers: new DynamoSubscriberStore(client, tableName), deliveries: new DynamoDeliveryStore(client, tableName), issues: new DynamoIssueStore(client, tableName) };
}
