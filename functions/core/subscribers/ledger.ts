import { subscriberId } from './identity.ts';
import type { ConsentEvent, ConsentSource, Subscriber, SubscriptionRequest } from './types.ts';

/** Subscribe requests a ledger keeps (a stranger can repeat them at will); confirmations and opt-outs are all kept. */
export const KEPT_REQUESTS = 10;
/** Entries of any kind a ledger keeps at most (each real opt-out needs a confirmation first, so this is years). */
export const KEPT_EVENTS = 200;

/** Appends an event, dropping the oldest requests beyond KEPT_REQUESTS and the oldest entries beyond KEPT_EVENTS. */
export function appendEvent(history: readonly ConsentEvent[], event: ConsentEvent): ConsentEvent[] {
  const next = [...history, event];
  let requests = next.filter((e) => e.type === 'subscribe-requested').length;
  const kept = next.filter((e) => !(e.type === 'subscribe-requested' && requests-- > KEPT_REQUESTS));
  return kept.slice(-KEPT_EVENTS);
}

export const isOptedOut = (s: Pick<Subscriber, 'state'>): boolean => s.state === 'unsubscribed' || s.state === 'suppressed';

/** Whether a confirmation link made for `version` may confirm this subscriber now. */
export function isConfirmable(s: Pick<Subscriber, 'state' | 'version' | 'request'>, version: number): boolean {
  if (s.version !== version) return false;
  if (s.state === 'pending') return true;
  return isOptedOut(s) && s.request?.version === version;
}

/**
 * What a request to subscribe does to the record it finds (see SubscriberStore.requestSubscription):
 * the record to write (undefined: write nothing) and the mail to send; undefined inside the cool-down.
 */
export function applyRequest(
  current: Subscriber | undefined,
  email: string,
  now: Date,
  options: { coolDownMs: number; source: ConsentSource },
): { next: Subscriber | undefined; request: SubscriptionRequest } | undefined {
  const recent = current?.confirmationSentAt && now.getTime() - current.confirmationSentAt.getTime() < options.coolDownMs;
  if (recent) return undefined;
  if (current?.state === 'confirmed') return { next: undefined, request: { subscriber: current, mail: 'already-subscribed' } };
  const version = (current?.version ?? 0) + 1;
  const event: ConsentEvent = { at: now, type: 'subscribe-requested', source: options.source };
  const next: Subscriber = current
    ? { ...current, version, updatedAt: now, request: { version, at: now }, history: appendEvent(current.history, event) }
    : {
        id: subscriberId(email),
        email,
        state: 'pending',
        version,
        createdAt: now,
        updatedAt: now,
        softBounces: 0,
        request: { version, at: now },
        history: [event],
      };
  return { next, request: { subscriber: next, mail: 'confirm' } };
}
