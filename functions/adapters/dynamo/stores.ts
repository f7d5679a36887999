import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoClaimStore } from './claims.ts';
import { DynamoDeliveryStore } from './deliveries.ts';
import { DynamoIssueStore } from './issues.ts';
import { DynamoSubscriberTimeline } from './subscriber-times.ts';
import { DynamoSubscriberStore } from './subscribers.ts';

/** Subscribers, issues, deliveries and the claims on each batch's chunks, all in the one table (see schema.ts); and the console's view of subscribers' times. */
export function dynamoStores(docs: DynamoDBDocumentClient, table: string) {
  return {
    subscribers: new DynamoSubscriberStore(docs, table),
    issues: new DynamoIssueStore(docs, table),
    deliveries: new DynamoDeliveryStore(docs, table),
    claims: new DynamoClaimStore(docs, table),
    timeline: new DynamoSubscriberTimeline(docs, table),
  };
}
