import { choicesOf } from '../newsletters/membership.ts';
import { subscriberId } from './identity.ts';
import type { ConsentEvent, ConsentSource, RequestedChoices, Subscriber, SubscriptionRequest } from './types.ts';

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
  options: { coolDownMs: number; source: ConsentSource; choices?: RequestedChoices | undefined },
): { next: Subscriber | undefined; request: SubscriptionRequest } | undefined {
  const recent = current?.confirmationSentAt && now.getTime() - current.confirmationSentAt.getTime() < options.coolDownMs;
  if (recent) return undefined;
  if (current?.state === 'confirmed') return { next: undefined, request: { subscriber: current, mail: 'already-subscribed' } };
  const version = (current?.version ?? 0) + 1;
  const asked = options.choices;
  const event: ConsentEvent = { at: now, type: 'subscribe-requested', source: options.source, ...(asked ? { detail: asked.newsletters.join(' ') } : {}) };
  // What the form asked for waits in the request: only the person's confirmation makes it theirs.
  const request = { version, at: now, ...(asked ? { newsletters: asked.newsletters, name: asked.name } : {}) };
  const next: Subscriber = current
    ? { ...current, version, updatedAt: now, request, history: appendEvent(current.history, event) }
    : {
        id: subscriberId(email),
        email,
        state: 'pending',
        version,
        createdAt: now,
        updatedAt: now,
        softBounces: 0,
        request,
        history: [event],
      };
  return { next, request: { subscriber: next, mail: 'confirm' } };
}

/** A `joined` or `left` entry for each newsletter whose membership differs between `before` and `after`. */
function membershipEvents(before: readonly string[], after: readonly string[], now: Date, source: ConsentSource): ConsentEvent[] {
  return [
    ...after.filter((id) => !before.includes(id)).map((newsletter): ConsentEvent => ({ at: now, type: 'joined', source, newsletter })),
    ...before.filter((id) => !after.includes(id)).map((newsletter): ConsentEvent => ({ at: now, type: 'left', source, newsletter })),
  ];
}

const withEvents = (history: readonly ConsentEvent[], events: readonly ConsentEvent[]) => events.reduce<ConsentEvent[]>((h, e) => appendEvent(h, e), [...history]);

/**
 * The record once the person confirms the request of `version` (see isConfirmable, which the caller
 * checks first): confirmed, receiving what the request asked for (a request from before newsletters
 * keeps the record's choices), the asked-for newsletters' opt-outs lifted, the request's name taken.
 */
export function applyConfirm(current: Subscriber, now: Date, source: ConsentSource): Subscriber {
  const asked = current.request?.newsletters;
  const newsletters = asked ?? current.newsletters;
  const optOuts = asked && current.optOuts ? Object.fromEntries(Object.entries(current.optOuts).filter(([id]) => !asked.includes(id))) : current.optOuts;
  const before = current.state === 'confirmed' ? choicesOf(current) : [];
  const confirmed: ConsentEvent = { at: now, type: 'confirmed', source, ...(newsletters ? { detail: newsletters.join(' ') } : {}) };
  return {
    ...current,
    state: 'confirmed',
    newsletters,
    optOuts: optOuts && Object.keys(optOuts).length > 0 ? optOuts : undefined,
    name: current.request?.name ?? current.name,
    confirmedAt: now,
    updatedAt: now,
    softBounces: 0,
    request: undefined,
    history: withEvents(current.history, [confirmed, ...(before.length > 0 ? membershipEvents(before, choicesOf({ newsletters, optOuts }), now, source) : [])]),
  };
}

/**
 * The record once the person leaves one newsletter (one-click, the unsubscribe page): its opt-out kept;
 * leaving the last one opts the address out of everything. Undefined when it does not receive that one.
 */
export function applyLeave(current: Subscriber, newsletter: string, now: Date, source: ConsentSource): Subscriber | undefined {
  const before = choicesOf(current);
  if (current.state !== 'confirmed' || !before.includes(newsletter)) return undefined;
  const newsletters = before.filter((id) => id !== newsletter);
  const optOuts = { ...current.optOuts, [newsletter]: { at: now, source } };
  const left: ConsentEvent = { at: now, type: 'left', source, newsletter };
  const next: Subscriber = { ...current, newsletters, optOuts, version: current.version + 1, updatedAt: now, history: appendEvent(current.history, left) };
  if (newsletters.length > 0) return next;
  return { ...next, state: 'unsubscribed', unsubscribedAt: now, request: undefined, history: appendEvent(next.history, { at: now, type: 'unsubscribed', source, detail: `left its last newsletter, ${newsletter}` }) };
}

/**
 * The record after the person's own choices on the preferences page: the newsletters ticked (joining
 * one lifts its opt-out: this is their own action), those unticked left with an opt-out, the name
 * changed. Choosing none opts the address out of everything. Only a confirmed record changes.
 */
export function applyPreferences(current: Subscriber, change: { newsletters: string[]; name: string | undefined }, now: Date): Subscriber | undefined {
  if (current.state !== 'confirmed') return undefined;
  const after = [...new Set(change.newsletters)];
  if (after.length === 0) {
    // Nothing ticked is "unsubscribe from everything": the choices are kept for the record, none is sent.
    const event: ConsentEvent = { at: now, type: 'unsubscribed', source: 'preferences' };
    return { ...current, name: change.name, state: 'unsubscribed', unsubscribedAt: now, version: current.version + 1, updatedAt: now, request: undefined, history: appendEvent(current.history, event) };
  }
  const events = membershipEvents(choicesOf(current), after, now, 'preferences');
  const optOuts: Record<string, { at: Date; source: ConsentSource }> = { ...current.optOuts };
  for (const id of after) delete optOuts[id];
  for (const e of events) if (e.type === 'left') optOuts[e.newsletter!] = { at: now, source: 'preferences' };
  return {
    ...current,
    name: change.name,
    newsletters: after,
    optOuts: Object.keys(optOuts).length > 0 ? optOuts : undefined,
    version: current.version + 1,
    updatedAt: now,
    history: withEvents(current.history, events),
  };
}
