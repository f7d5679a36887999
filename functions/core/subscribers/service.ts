import { defaultIds, type Newsletter } from '../newsletters/list.ts';
import { choicesOf } from '../newsletters/membership.ts';
import type { Logger, Mailer } from '../ports.ts';
import { createToken } from '../tokens.ts';
import { confirmUrl } from '../urls.ts';
import { normaliseEmail, subscriberId } from './identity.ts';
import { addressList, checkToken, newsletterOfClaims, preferencesLink, type LinkKeys } from './links.ts';
import { normaliseName } from './name.ts';
import type { ConsentSource, RequestedChoices, SubscriberStore } from './types.ts';

/** Builds the mails of the subscription lifecycle, for one address. */
export interface SubscriptionMail {
  /** The double opt-in mail with its confirmation link, naming the newsletters asked for. */
  confirmation(input: { to: string; confirmUrl: string; newsletters: readonly Newsletter[] }, now: Date): Promise<Uint8Array>;
  /**
   * The note to an address that is already confirmed: nothing changed by itself; what it receives, what
   * was asked for, and a signed link to the preferences page where the person may add it.
   */
  alreadySubscribed(input: { to: string; preferencesUrl: string; receives: readonly Newsletter[]; requested: readonly Newsletter[] }, now: Date): Promise<Uint8Array>;
  /** The welcome after a confirmation; undefined when the publication has no welcome template. */
  welcome(input: { to: string; name: string | undefined; newsletters: readonly Newsletter[]; preferencesUrl: string }, now: Date): Promise<Uint8Array | undefined>;
}

export interface SubscriptionDeps {
  subscribers: SubscriberStore;
  mailer: Mailer;
  mail: SubscriptionMail;
  log: Logger;
  tokenKey: string | Uint8Array;
  /** The publication's newsletters (newsletters/list.ts), in the order readers see them. */
  newsletters: readonly Newsletter[];
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

/** What a subscribe request carries beside the address: absent `newsletters` means the defaults. */
export interface SubscribeChoices {
  name?: unknown;
  newsletters?: readonly unknown[] | undefined;
}

export type SubscribeResult = { ok: true } | { ok: false; field: 'email' | 'name' | 'newsletters'; message: string };
export type ConfirmResult = 'confirmed' | 'already-confirmed' | 'expired' | 'invalid';
export type UnsubscribeResult =
  | { ok: true; everything: boolean; left: Newsletter | undefined; remaining: Newsletter[]; preferencesUrl: string }
  | { ok: false };

/** The most newsletter ids a request may name (more is refused, not read). */
export const MAX_CHOICES = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads the newsletters a request names against the publication's: duplicates dropped, unknown ids and
 * an empty choice refused with a message naming them. Absent: the defaults.
 */
export function readChoices(newsletters: readonly Newsletter[], raw: readonly unknown[] | undefined): { ok: true; ids: string[] } | { ok: false; message: string } {
  if (raw === undefined) return { ok: true, ids: defaultIds(newsletters) };
  if (raw.length > MAX_CHOICES) return { ok: false, message: `at most ${MAX_CHOICES} newsletters may be named` };
  const ids = [...new Set(raw.filter((v) => v !== ''))];
  const unknown = ids.filter((id) => typeof id !== 'string' || !newsletters.some((n) => n.id === id));
  if (unknown.length > 0) return { ok: false, message: `no such newsletter: ${unknown.slice(0, 5).map((v) => JSON.stringify(String(v).slice(0, 40))).join(', ')}` };
  if (ids.length === 0) return { ok: false, message: 'choose at least one newsletter' };
  // In the publication's order, whatever order the form sent.
  return { ok: true, ids: newsletters.filter((n) => ids.includes(n.id)).map((n) => n.id) };
}

/**
 * The subscription lifecycle: subscribe (double opt-in, once per address), confirm, unsubscribe from one
 * newsletter or from everything. Answers never reveal whether an address is on the list: every request
 * that is not inside the cool-down sends one mail (a confirmation link, or a note to someone already
 * subscribed) and is answered after the same floor. A confirmed address asking for another newsletter
 * gets it only through the signed preferences link in that note: a stranger's request adds nothing.
 */
export class SubscriptionService {
  private readonly links: LinkKeys;

  constructor(private readonly deps: SubscriptionDeps) {
    this.links = { tokenKey: deps.tokenKey, newsletters: deps.newsletters, apiUrl: deps.apiUrl };
  }

  private named(ids: readonly string[]): Newsletter[] {
    return this.deps.newsletters.filter((n) => ids.includes(n.id));
  }

  async subscribe(rawEmail: unknown, now: Date, source: ConsentSource = 'form', choices: SubscribeChoices = {}): Promise<SubscribeResult> {
    const parsed = normaliseEmail(rawEmail);
    if (!parsed.ok) return { ok: false, field: 'email', message: parsed.reason };
    const name = normaliseName(choices.name);
    if (!name.ok) return { ok: false, field: 'name', message: name.reason };
    const chosen = readChoices(this.deps.newsletters, choices.newsletters);
    if (!chosen.ok) return { ok: false, field: 'newsletters', message: chosen.message };
    const started = performance.now();
    try {
      await this.request(parsed.email, now, source, { newsletters: chosen.ids, name: name.name });
    } finally {
      const left = this.deps.answerFloorMs - (performance.now() - started);
      if (left > 0) await sleep(left);
    }
    return { ok: true };
  }

  private async request(email: string, now: Date, source: ConsentSource, choices: RequestedChoices): Promise<void> {
    const { deps } = this;
    const request = await deps.subscribers.requestSubscription(email, now, {
      coolDownMs: deps.coolDownMs,
      pendingExpiry: new Date(now.getTime() + deps.pendingTtlMs),
      source,
      choices,
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
          list: addressList(deps.newsletters),
          version: subscriber.version,
          expires: Math.floor((now.getTime() + deps.confirmTtlMs) / 1000),
        },
        deps.tokenKey,
      );
      raw = await deps.mail.confirmation({ to: subscriber.email, confirmUrl: confirmUrl(deps.apiUrl, token), newsletters: this.named(choices.newsletters) }, now);
    } else {
      const receives = choicesOf(subscriber);
      const offer = choices.newsletters.filter((id) => !receives.includes(id));
      raw = await deps.mail.alreadySubscribed(
        { to: subscriber.email, preferencesUrl: preferencesLink(this.links, subscriber.id, offer), receives: this.named(receives), requested: this.named(choices.newsletters) },
        now,
      );
    }
    await deps.mailer.send({ from: deps.envelopeFrom, to: subscriber.email, raw, tags: { kind: request.mail === 'confirm' ? 'confirmation' : 'already-subscribed' } });
    // Only a mail that really went out starts the cool-down: a failed send leaves the person free to try again.
    await deps.subscribers.markMailSent(subscriber.id, now);
    deps.log.info(request.mail === 'confirm' ? 'confirmation sent' : 'already-subscribed note sent', { subscriber: subscriber.id, state: subscriber.state });
  }

  /** Confirms the link's request; the first confirmation of it sends the welcome mail (when there is a template). */
  async confirm(token: unknown, now: Date): Promise<ConfirmResult> {
    const check = checkToken(this.links, 'confirm', token, now);
    if (!check.ok) return check.reason === 'expired' ? 'expired' : 'invalid';
    const outcome = await this.deps.subscribers.confirm(check.claims.subscriber, check.claims.version ?? -1, now, 'confirmation-link');
    this.deps.log.info('confirm', { subscriber: check.claims.subscriber, outcome });
    if (outcome === 'confirmed') await this.welcome(check.claims.subscriber, now);
    if (outcome === 'confirmed' || outcome === 'already-confirmed') return outcome;
    return 'invalid';
  }

  private async welcome(id: string, now: Date): Promise<void> {
    const { deps } = this;
    try {
      const subscriber = await deps.subscribers.get(id);
      if (!subscriber || subscriber.state !== 'confirmed') return;
      const raw = await deps.mail.welcome(
        { to: subscriber.email, name: subscriber.name, newsletters: this.named(choicesOf(subscriber)), preferencesUrl: preferencesLink(this.links, id) },
        now,
      );
      if (!raw) return;
      await deps.mailer.send({ from: deps.envelopeFrom, to: subscriber.email, raw, tags: { kind: 'welcome' } });
      deps.log.info('welcome sent', { subscriber: id });
    } catch (error) {
      // The subscription stands: a welcome that cannot go out is logged, never a failed confirmation.
      deps.log.error('welcome mail not sent', { subscriber: id, error: (error as Error).message });
    }
  }

  /** Checks a confirmation link without acting on it (the GET page): valid, and the newsletters its request names. */
  async checkConfirm(token: unknown, now: Date): Promise<{ state: Exclude<ConfirmResult, 'confirmed' | 'already-confirmed'> } | { state: 'valid'; newsletters: Newsletter[] }> {
    const check = checkToken(this.links, 'confirm', token, now);
    if (!check.ok) return { state: check.reason === 'expired' ? 'expired' : 'invalid' };
    const subscriber = await this.deps.subscribers.get(check.claims.subscriber);
    return { state: 'valid', newsletters: this.named(subscriber?.request?.newsletters ?? (subscriber ? choicesOf(subscriber) : [])) };
  }

  /** Checks an unsubscribe link without acting on it (the GET page): the newsletter it leaves. */
  checkUnsubscribe(token: unknown, now: Date): { ok: true; newsletter: Newsletter | undefined } | { ok: false } {
    const check = checkToken(this.links, 'unsubscribe', token, now);
    if (!check.ok) return { ok: false };
    const id = newsletterOfClaims(check.claims, this.deps.newsletters);
    return { ok: true, newsletter: this.deps.newsletters.find((n) => n.id === id) };
  }

  /**
   * The link's newsletter only (RFC 8058 one-click, the page's first button), or everything (`everything`).
   * An address that is not confirmed (pending, opted out with a request open) is opted out of everything,
   * its request withdrawn, as before newsletters.
   */
  async unsubscribe(token: unknown, now: Date, source: ConsentSource = 'unsubscribe-page', everything = false): Promise<UnsubscribeResult> {
    const { deps } = this;
    const check = checkToken(this.links, 'unsubscribe', token, now);
    if (!check.ok) return { ok: false };
    const id = check.claims.subscriber;
    const newsletter = newsletterOfClaims(check.claims, deps.newsletters);
    const current = await deps.subscribers.get(id);
    const all = everything || !current || current.state !== 'confirmed';
    const outcome = all ? await deps.subscribers.unsubscribe(id, now, source) : await deps.subscribers.leaveNewsletter(id, newsletter, now, source);
    deps.log.info('unsubscribe', { subscriber: id, newsletter: all ? '*' : newsletter, outcome });
    const after = await deps.subscribers.get(id);
    const remaining = after?.state === 'confirmed' ? this.named(choicesOf(after)) : [];
    // Already unsubscribed, suppressed or removed: the address gets no mail either way.
    return { ok: true, everything: remaining.length === 0, left: all ? undefined : this.named([newsletter])[0], remaining, preferencesUrl: preferencesLink(this.links, id) };
  }
}
