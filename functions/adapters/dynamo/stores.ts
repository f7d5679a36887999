import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDeliveryStore } from './deliveries.ts';
import { DynamoIssueStore } from './issues.ts';
import { DynamoSubscriberStore } from './subscribers.ts';

/** Subscribers, issues and deliveries, all in the one table (see table.ts). */
export function dynamoStores(docs: DynamoDBDocumentClient, table: string) {
  return {
    subscribers: new DynamoSubscriberStore(docs, table),
    issues: new DynamoIssueStore(docs, table),
    deliveries: new DynamoDeliveryStore(docs, table),
  };
}
