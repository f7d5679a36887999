import type { Logger } from '../core/ports.ts';
import { POLICY } from '../core/policy.ts';
import type { SesEventsHandlerDeps } from '../handlers/ses-events.ts';
import type { Stores } from './stores.ts';

/** The SES-events function, from its parts: the subscriber and delivery stores (it renders and sends nothing). */
export function sesEventDeps(input: { stores: Pick<Stores, 'subscribers' | 'deliveries'>; log: Logger; now?: () => Date }): SesEventsHandlerDeps {
  return {
    subscribers: input.stores.subscribers,
    deliveries: input.stores.deliveries,
    log: input.log,
    softBounceThreshold: POLICY.softBounceThreshold,
    now: input.now ?? (() => new Date()),
  };
}
