import type { SubscriberTimeline } from '../core/admin/ports.ts';
import type { ClaimStore, DeliveryHistory, DeliveryStore, DeliveryTally, IssueStore } from '../core/sending/ports.ts';
import type { SubscriberStore } from '../core/subscribers/types.ts';

/** The stores over the one table: DynamoDB on AWS, dynalite on one machine (adapters/dynamo/stores.ts). */
export interface Stores {
  subscribers: SubscriberStore;
  issues: IssueStore;
  /** Deliveries, one subscriber's deliveries across issues (the console's history), an issue's tally of one event. */
  deliveries: DeliveryStore & DeliveryHistory & DeliveryTally;
  claims: ClaimStore;
  /** Subscribers' times only, for the console's weekly growth. */
  timeline: SubscriberTimeline;
}
