import type { Logger } from '../core/ports.ts';
import { POLICY } from '../core/policy.ts';
import type { EventMetric } from '../core/sending/metrics.ts';
import type { MetricsSink } from '../core/sending/ports.ts';
import type { SesEventsHandlerDeps } from '../handlers/ses-events.ts';
import type { Stores } from './stores.ts';

/**
 * The SES-events function, from its parts: the subscriber and delivery stores and the issues' counts
 * (it renders and sends nothing). The same assembly records the outbox's messages on one machine.
 */
export function sesEventDeps(input: {
  stores: Pick<Stores, 'subscribers' | 'deliveries' | 'issues'>;
  log: Logger;
  metrics?: MetricsSink<EventMetric>;
  now?: () => Date;
}): SesEventsHandlerDeps {
  return {
    subscribers: input.stores.subscribers,
    deliveries: input.stores.deliveries,
    issues: input.stores.issues,
    metrics: input.metrics,
    log: input.log,
    softBounceThreshold: POLICY.softBounceThreshold,
    now: input.now ?? (() => new Date()),
  };
}
