import type { ClaimStore, DeliveryStore, IssueStore } from '../core/sending/ports.ts';
import type { SubscriberStore } from '../core/subscribers/types.ts';

/** The stores over the one table: DynamoDB on AWS, dynalite on one machine (adapters/dynamo/stores.ts). */
export interface Stores {
  subscribers: SubscriberStore;
  issues: IssueStore;
  deliveries: DeliveryStore;
  claims: ClaimStore;
}
