import type { Subscriber } from '../subscribers/types.ts';
import { LEGACY_NEWSLETTER_ID } from './list.ts';

/**
 * The newsletters an address has chosen (whatever its state): its `newsletters`, less any it left. A
 * record stored before newsletters has no choices and reads as the legacy newsletter only, so carrying
 * a table over changes nobody's mail.
 */
export function choicesOf(subscriber: Pick<Subscriber, 'newsletters' | 'optOuts'>): string[] {
  const chosen = subscriber.newsletters ?? [LEGACY_NEWSLETTER_ID];
  return chosen.filter((id) => !subscriber.optOuts?.[id]);
}

/** Whether an issue of `newsletter` goes to this subscriber: confirmed, and a member of it. */
export function receives(subscriber: Pick<Subscriber, 'state' | 'newsletters' | 'optOuts'>, newsletter: string): boolean {
  return subscriber.state === 'confirmed' && choicesOf(subscriber).includes(newsletter);
}

/** Why a recipient planned for `newsletter` is skipped now, or undefined when it still receives it. */
export function skipReason(subscriber: Pick<Subscriber, 'state' | 'newsletters' | 'optOuts'> | undefined, newsletter: string): string | undefined {
  if (!subscriber) return 'removed';
  if (subscriber.state !== 'confirmed') return subscriber.state;
  return choicesOf(subscriber).includes(newsletter) ? undefined : `left ${newsletter}`;
}
