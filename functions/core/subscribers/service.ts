import type { Logger, Mailer } from '../ports.ts';
import { createToken, verifyToken } from '../tokens.ts';
import { confirmUrl, unsubscribeUrl } from '../urls.ts';
import { normaliseEmail, subscriberId } from './identity.ts';
import type { ConsentSource, SubscriberStore } from './types.ts';

/** Builds the mails a subscribe request sends, for one address. */
export interface SubscriptionMail {
  /** The double opt-in mail with its confirmation link. */
  confirmation(input: { to: string; confirmUrl: string }, now: Date): Promise<Uint8Array>;
  /** The note to an address that is already confirmed: nothing changed, and how to leave. */
  alreadySubscribed(input: { to: string; unsubscribeUrl: string }, now: Date): Promise<Uint8Array>;
}

export interface SubscriptionDeps {
  subscribers: SubscriberStore;
  mailer: Mailer;
  mail: SubscriptionMail;
  log: Logger;
  tokenKey: string | Uint8Array;
  listId: string;
  apiUrl: string;
  envelopeFrom: string;
  /** A repeated request inside this window after a subscription mail went out sends nothing. */
  coolDownMs: number;
  /** How long a confirmation link works. */
  confirmTtlMs: number;
  /** How long an unconfirmed new address is kept. */
  pendingTtlMs: number;
  /**
   * A subscribe request is answered no sooner than this after it arrived, whatever the address's state,
   * so the time of the answer tells nothing about who is on the list.
   */
  answerFloorMs: number;
}

export type SubscribeResult = { ok: true } | { ok: false; field: 'email'; message: string };
export type ConfirmResult = 'confirmed' | 'already-confirmed' | 'expired' | 'invalid';
export type UnsubscribeResult = 'unsubscribed' | 'invalid';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The subscription lifecycle: subscribe (double opt-in), confirm, unsubscribe. Answers never reveal
 * whether an address is on the list: every request that is not inside the cool-down sends one mail (a
 * confirmation link, or a note to someone already subscribed) and is answered after the same floor.
 */
export class SubscriptionService {
  constructor(private readonly deps: SubscriptionDeps) {}

  async subscribe(rawEmail: unknown, now: Date, source: ConsentSource = 'form'): Promise<SubscribeResult> {
    const parsed = normaliseEmail(rawEmail);
    if (!parsed.ok) return { ok: false, field: 'email', message: parsed.reason };
    const started = performance.now();
    try {
      await this.request(parsed.email, now, source);
    } finally {
      const left = this.deps.answerFloorMs - (performance.now() - started);
      if (left > 0) await sleep(left);
    }
    return { ok: true };
  }

  private async request(email: string, now: Date, source: ConsentSource): Promise<void> {
    const { deps } = this;
    const request = await deps.subscribers.requestSubscription(email, now, {
      coolDownMs: deps.coolDownMs,
      pendingExpiry: new Date(now.getTime() + deps.pendingTtlMs),
      source,
    });
    if (!request) {
      deps.log.info('subscribe request inside the cool-down; no mail', { subscriber: subscriberId(email) });
      return;
    }
    const { subscriber } = request;
    let raw: Uint8Array;
    if (request.mail === 'confirm') {
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
      raw = await deps.mail.confirmation({ to: subscriber.email, confirmUrl: confirmUrl(deps.apiUrl, token) }, now);
    } else {
      const token = createToken({ purpose: 'unsubscribe', subscriber: subscriber.id, list: deps.listId }, deps.tokenKey);
      raw = await deps.mail.alreadySubscribed({ to: subscriber.email, unsubscribeUrl: unsubscribeUrl(deps.apiUrl, token) }, now);
    }
    await deps.mailer.send({ from: deps.envelopeFrom, to: subscriber.email, raw, tags: { kind: request.mail === 'confirm' ? 'confirmation' : 'already-subscribed' } });
    // Only a mail that really went out starts the cool-down: a failed send leaves the person free to try again.
    await deps.subscribers.markMailSent(subscriber.id, now);
    deps.log.info(request.mail === 'confirm' ? 'confirmation sent' : 'already-subscribed note sent', { subscriber: subscriber.id, state: subscriber.state });
  }

  async confirm(token: unknown, now: Date): Promise<ConfirmResult> {
    const check = verifyToken(token, { purpose: 'confirm', list: this.deps.listId }, this.deps.tokenKey, now.getTime());
    if (!check.ok) return check.reason === 'expired' ? 'expired' : 'invalid';
    const outcome = await this.deps.subscribers.confirm(check.claims.subscriber, check.claims.version ?? -1, now, 'confirmation-link');
    this.deps.log.info('confirm', { subscriber: check.claims.subscriber, outcome });
    if (outcome === 'confirmed' || outcome === 'already-confirmed') return outcome;
    return 'invalid';
  }

  /** Checks a confirmation link without acting on it (the GET page). */
  checkConfirm(token: unknown, now: Date): ConfirmResult | 'valid' {
    const check = verifyToken(token, { purpose: 'confirm', list: this.deps.listId }, this.deps.tokenKey, now.getTime());
    if (check.ok) return 'valid';
    return check.reason === 'expired' ? 'expired' : 'invalid';
  }

  /** Checks an unsubscribe link without acting on it (the GET page). */
  checkUnsubscribe(token: unknown, now: Date): boolean {
    return verifyToken(token, { purpose: 'unsubscribe', list: this.deps.listId }, this.deps.tokenKey, now.getTime()).ok;
  }

  async unsubscribe(token: unknown, now: Date, source: ConsentSource = 'unsubscribe-page'): Promise<UnsubscribeResult> {
    const check = verifyToken(token, { purpose: 'unsubscribe', list: this.deps.listId }, this.deps.tokenKey, now.getTime());
    if (!check.ok) return 'invalid';
    const outcome = await this.deps.subscribers.unsubscribe(check.claims.subscriber, now, source);
    this.deps.log.info('unsubscribe', { subscriber: check.claims.subscriber, outcome });
    // Already unsubscribed, suppressed or removed: the address gets no mail either way.
    return 'unsubscribed';
  }
}
