import type { Logger, Mailer } from '../core/ports.ts';
import { BatchDeliverer } from '../core/sending/deliver.ts';
import { DigestMessageFactory } from '../core/sending/messages.ts';
import type { DeliveryStore, IssueStore } from '../core/sending/ports.ts';
import type { SubscriberStore } from '../core/subscribers/types.ts';
import type { DeliverHandlerDeps } from '../handlers/deliver.ts';

/**
 * The product's services assembled from their parts; the same assembly for AWS and for one machine,
 * which differ only in the parts (DynamoDB or dynalite, SES or an outbox, SQS or an in-process queue).
 */
export interface Stores {
  subscribers: SubscriberStore;
  issues: IssueStore;
  deliveries: DeliveryStore;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Timings of the subscription lifecycle and of sending. */
export const POLICY = {
  confirmationCoolDownMs: 10 * MINUTE,
  confirmLinkTtlMs: 2 * DAY,
  pendingTtlMs: 7 * DAY,
  /** A subscribe request is answered no sooner than this, whatever the address's state. */
  subscribeAnswerFloorMs: 250,
  batchSize: 50,
  inDoubtMs: 15 * MINUTE,
  /**
   * On one machine: sends run one at a time (a lock) and the outbox knows what it wrote, so a claim left
   * by a crashed send can be taken at once.
   */
  localInDoubtMs: 0,
  quotaPauseMs: 6 * HOUR,
  sendConcurrency: 8,
  softBounceThreshold: 3,
} as const;

export const now = () => new Date();

export function buildDeliverDeps(input: {
  stores: Stores;
  mailer: Mailer;
  log: Logger;
  defer: DeliverHandlerDeps['defer'];
  clock?: () => Date;
  /** How long a claim stays in doubt (default POLICY.inDoubtMs). */
  inDoubtMs?: number;
}): DeliverHandlerDeps {
  const clock = input.clock ?? now;
  const deliverer = new BatchDeliverer({
    issues: input.stores.issues,
    deliveries: input.stores.deliveries,
    subscribers: input.stores.subscribers,
    mailer: input.mailer,
    messages: new DigestMessageFactory(),
    log: input.log,
    inDoubtMs: input.inDoubtMs ?? POLICY.inDoubtMs,
    quotaPauseMs: POLICY.quotaPauseMs,
    sendConcurrency: POLICY.sendConcurrency,
    now: clock,
  });
  return { deliverer, log: input.log, now: clock, defer: input.defer };
}

export function buildSesEventDeps(input: { stores: Pick<Stores, 'subscribers' | 'deliveries'>; log: Logger; softBounceThreshold?: number | undefined }) {
  return {
    subscribers: input.stores.subscribers,
    deliveries: input.stores.deliveries,
    log: input.log,
    softBounceThreshold: input.softBounceThreshold ?? POLICY.softBounceThreshold,
    now,
  };
}
