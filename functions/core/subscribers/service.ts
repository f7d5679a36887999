import type { Logger, Mailer } from '../ports.ts';
import { createToken, verifyToken } from '../tokens.ts';
import { confirmUrl } from '../urls.ts';
import { normaliseEmail, subscriberId } from './identity.ts';
import type { SubscriberStore } from './types.ts';

/** Builds the double opt-in mail for one address and its confirmation link. */
export interface ConfirmationMail {
  build(input: { to: string; confirmUrl: string }, now: Date): Promise<Uint8Array>;
}

export interface SubscriptionDeps {
  subscribers: SubscriberStore;
  mailer: Mailer;
  confirmation: ConfirmationMail;
  log: Logger;
  tokenKey: string | Uint8Array;
  listId: string;
  apiUrl: string;
  envelopeFrom: string;
  /** A repeated request inside this window sends no second mail. */
  coolDownMs: number;
  /** How long a confirmation link works. */
  confirmTtlMs: number;
  /** How long an unconfirmed address is kept. */
  pendingTtlMs: number;
}

export type SubscribeResult = { ok: true } | { ok: false; field: 'email'; message: string };
export type ConfirmResult = 'confirmed' | 'already-confirmed' | 'expired' | 'invalid';
export type UnsubscribeResult = 'unsubscribed' | 'invalid';

/**
 * The subscription lifecycle: subscribe (double opt-in), confirm, unsubscribe. Answers never reveal
 * whether an address is on the list.
 */
export class SubscriptionService {
  constructor(private readonly deps: SubscriptionDeps) {}

  async subscribe(rawEmail: unknown, now: Date): Promise<SubscribeResult> {
    const parsed = normaliseEmail(rawEmail);
    if (!parsed.ok) return { ok: false, field: 'email', message: parsed.reason };
    const { deps } = this;
    const subscriber = await deps.subscribers.requestConfirmation(
      parsed.email,
      now,
      deps.coolDownMs,
      new Date(now.getTime() + deps.pendingTtlMs),
    );
    if (!subscriber) {
      deps.log.info('subscribe request needs no mail', { subscriber: subscriberId(parsed.email) });
      return { ok: true };
    }
    const token = createToken(
      {
        purpose: 'confirm',
        subscriber: subscriber.id,
        list: deps.listId,
        version: subscriber.version,
        expires: Math.floor((now.getTime() + deps.confirmTtlMs) / 1000),
      },
      deps.tokenKey,
    );
    const raw = await deps.confirmation.build({ to: subscriber.email, confirmUrl: confirmUrl(deps.apiUrl, token) }, now);
    await deps.mailer.send({ from: deps.envelopeFrom, to: subscriber.email, raw, tags: { kind: 'confirmation' } });
    deps.log.info('confirmation sent', { subscriber: subscriber.id });
    return { ok: true };
  }

  async confirm(token: unknown, now: Date): Promise<ConfirmResult> {
    const check = verifyToken(token, { purpose: 'confirm', list: this.deps.listId }, this.deps.tokenKey, now.getTime());
    if (!check.ok) return check.reason === 'expired' ? 'expired' : 'invalid';
    const outcome = await this.deps.subscribers.confirm(check.claims.subscriber, check.claims.version ?? -1, now);
    this.deps.log.info('confirm', { subscriber: check.claims.subscriber, outcome });
    if (outcome === 'confirmed' || outcome === 'already-confirmed') return outcome;
    return 'invalid';
  }

  /** Checks an unsubscribe link without acting on it (the GET page). */
  checkUnsubscribe(token: unknown, now: Date): boolean {
    return verifyToken(token, { purpose: 'unsubscribe', list: this.deps.listId }, this.deps.tokenKey, now.getTime()).ok;
  }

  async unsubscribe(token: unknown, now: Date): Promise<UnsubscribeResult> {
    const check = verifyToken(token, { purpose: 'unsubscribe', list: this.deps.listId }, this.deps.tokenKey, now.getTime());
    if (!check.ok) return 'invalid';
    const outcome = await this.deps.subscribers.unsubscribe(check.claims.subscriber, now);
    this.deps.log.info('unsubscribe', { subscriber: check.claims.subscriber, outcome });
    // Already unsubscribed, suppressed or removed: the address gets no mail either way.
    return 'unsubscribed';
  }
}
