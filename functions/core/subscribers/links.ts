import { LEGACY_NEWSLETTER_ID, type Newsletter } from '../newsletters/list.ts';
import { createToken, verifyToken, type TokenClaims, type TokenPurpose } from '../tokens.ts';
import { preferencesUrl, unsubscribeUrl } from '../urls.ts';

export type LinkState = 'valid' | 'expired' | 'invalid';

/** What the links of one publication are signed for: every newsletter's list id is one of its lists. */
export interface LinkKeys {
  tokenKey: string | Uint8Array;
  newsletters: readonly Newsletter[];
  apiUrl: string;
}

/** The list id links that concern the address rather than one newsletter carry (before newsletters: the digest's). */
export function addressList(newsletters: readonly Newsletter[]): string {
  return (newsletters.find((n) => n.id === LEGACY_NEWSLETTER_ID) ?? newsletters[0]!).listId;
}

/**
 * The newsletter an unsubscribe link leaves: the one it names, or (a link made before newsletters) the
 * one whose list id it carries, else the legacy newsletter.
 */
export function newsletterOfClaims(claims: Pick<TokenClaims, 'newsletter' | 'list'>, newsletters: readonly Newsletter[]): string {
  return claims.newsletter ?? newsletters.find((n) => n.listId === claims.list)?.id ?? LEGACY_NEWSLETTER_ID;
}

/** The signed one-click link of one newsletter for one subscriber: never expires (old digests keep working). */
export function unsubscribeToken(keys: Pick<LinkKeys, 'tokenKey'>, subscriber: string, newsletter: Pick<Newsletter, 'id' | 'listId'>): string {
  return createToken({ purpose: 'unsubscribe', subscriber, list: newsletter.listId, newsletter: newsletter.id }, keys.tokenKey);
}

/** The signed link to a subscriber's preferences page; `offer` names newsletters to tick for them (their Save adds them). */
export function preferencesToken(keys: Pick<LinkKeys, 'tokenKey' | 'newsletters'>, subscriber: string, offer?: readonly string[]): string {
  return createToken({ purpose: 'preferences', subscriber, list: addressList(keys.newsletters), ...(offer && offer.length > 0 ? { newsletters: [...offer] } : {}) }, keys.tokenKey);
}

export function preferencesLink(keys: LinkKeys, subscriber: string, offer?: readonly string[]): string {
  return preferencesUrl(keys.apiUrl, preferencesToken(keys, subscriber, offer));
}

export function unsubscribeLink(keys: LinkKeys, subscriber: string, newsletter: Pick<Newsletter, 'id' | 'listId'>): string {
  return unsubscribeUrl(keys.apiUrl, unsubscribeToken(keys, subscriber, newsletter));
}

/** Checks a token of this publication (any of its newsletters' lists) for `purpose`. */
export function checkToken(keys: Pick<LinkKeys, 'tokenKey' | 'newsletters'>, purpose: TokenPurpose, token: unknown, now: Date) {
  return verifyToken(token, { purpose, list: keys.newsletters.map((n) => n.listId) }, keys.tokenKey, now.getTime());
}

/**
 * Reads the token of a confirmation, unsubscribe or preferences link without acting on it: what the
 * page that a GET of the link opens shows (a button, or why the link does not work). Only a POST acts.
 */
export class SubscriptionLinks {
  constructor(private readonly keys: Pick<LinkKeys, 'tokenKey' | 'newsletters'>) {}

  check(purpose: TokenPurpose, token: unknown, now: Date): LinkState {
    const result = checkToken(this.keys, purpose, token, now);
    if (result.ok) return 'valid';
    return result.reason === 'expired' ? 'expired' : 'invalid';
  }
}
