import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDeliveryStore } from './deliveries.ts';
import { DynamoIssueStore } from './issues.ts';
import { DynamoSubscriberTimeline } from './subscriber-times.ts';
import { DynamoSubscriberStore } from './subscribers.ts';

/** Subscribers, issues and deliveries, all in the one table (see table.ts); and the console's view of subscribers' times. */
export function dynamoStores(docs: DynamoDBDocumentClient, table: string) {
  return {
    subscribers: new DynamoSubscriberStore(docs, table),
    issues: new DynamoIssueStore(docs, table),
    deliveries: new DynamoDeliveryStore(docs, table),
    timeline: new DynamoSubscriberTimeline(docs, table),
  };
}
