import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one place that makes and checks tokens. A token is `base64url(JSON payload).base64url(HMAC-SHA256)`
 * under a secret key: it names the subscriber (an opaque id, never the address), the list and what it is
 * for, may expire, and cannot be forged, altered or guessed without the key.
 */
export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences';

const PURPOSES: readonly string[] = ['confirm', 'unsubscribe', 'preferences'];
/** The newsletter ids a token may name (settings.ts allows at most 40 characters each). */
const NEWSLETTER_ID = /^[a-z0-9-]{1,40}$/;

export interface TokenClaims {
  purpose: TokenPurpose;
  /** Subscriber id (see subscribers/identity.ts). */
  subscriber: string;
  /** List id: the `List-Id` of the newsletter the token was made for (the settings' `digest.listId` before newsletters). */
  list: string;
  /** The one newsletter an unsubscribe token leaves (absent in links made before newsletters: the one whose list id is `list`). */
  newsletter?: string;
  /** Newsletters a preferences link offers to add (ticked on the page; the person's Save adds them). */
  newsletters?: string[];
  /** Expiry, epoch seconds; absent means the token does not expire. */
  expires?: number;
  /** Version of the subscription the token was made for (lets a newer request void older links). */
  version?: number;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'wrong-purpose' | 'wrong-list' | 'expired' };

/** The shortest signing key accepted, wherever a key comes from (environment, SSM, a local file). */
export const MIN_KEY_BYTES = 32;

/** Whether a key is long enough to sign tokens with. */
export function longEnoughKey(key: string | Uint8Array): boolean {
  return (typeof key === 'string' ? Buffer.byteLength(key) : key.length) >= MIN_KEY_BYTES;
}

function checkKey(key: string | Uint8Array): void {
  if (!longEnoughKey(key)) throw new Error(`token signing key must be at least ${MIN_KEY_BYTES} bytes`);
}

function sign(body: string, key: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

export function createToken(claims: TokenClaims, key: string | Uint8Array): string {
  checkKey(key);
  const payload = { p: claims.purpose, s: claims.subscriber, l: claims.list, e: claims.expires, v: claims.version, n: claims.newsletter, ns: claims.newsletters };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(body, key).toString('base64url')}`;
}

/** Checks signature, purpose, list (one, or any of several) and expiry (`now` in epoch milliseconds). */
export function verifyToken(
  token: unknown,
  expected: { purpose: TokenPurpose; list: string | readonly string[] },
  key: string | Uint8Array,
  now: number,
): TokenCheck {
  checkKey(key);
  if (typeof token !== 'string' || token.length > 1024 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/.test(token)) {
    return { ok: false, reason: 'malformed' };
  }
  const [body, mac] = token.split('.') as [string, string];
  const given = Buffer.from(mac, 'base64url');
  const wanted = sign(body, key);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { ok: false, reason: 'bad-signature' };
  let payload: { p?: unknown; s?: unknown; l?: unknown; e?: unknown; v?: unknown; n?: unknown; ns?: unknown };
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!PURPOSES.includes(payload.p as string) || typeof payload.s !== 'string' || typeof payload.l !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  if (payload.n !== undefined && (typeof payload.n !== 'string' || !NEWSLETTER_ID.test(payload.n))) return { ok: false, reason: 'malformed' };
  if (payload.ns !== undefined && (!Array.isArray(payload.ns) || payload.ns.length > 50 || !payload.ns.every((id) => typeof id === 'string' && NEWSLETTER_ID.test(id)))) {
    return { ok: false, reason: 'malformed' };
  }
  if (payload.p !== expected.purpose) return { ok: false, reason: 'wrong-purpose' };
  const lists = typeof expected.list === 'string' ? [expected.list] : expected.list;
  if (!lists.includes(payload.l)) return { ok: false, reason: 'wrong-list' };
  if (typeof payload.e === 'number' && payload.e * 1000 < now) return { ok: false, reason: 'expired' };
  const claims: TokenClaims = { purpose: payload.p as TokenPurpose, subscriber: payload.s, list: payload.l };
  if (typeof payload.n === 'string') claims.newsletter = payload.n;
  if (Array.isArray(payload.ns)) claims.newsletters = payload.ns as string[];
  if (typeof payload.e === 'number') claims.expires = payload.e;
  if (typeof payload.v === 'number') claims.version = payload.v;
  return { ok: true, claims };
}
