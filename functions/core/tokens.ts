import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one place that makes and checks tokens. A token is `base64url(JSON payload).base64url(HMAC-SHA256)`
 * under a secret key: it names the subscriber (an opaque id, never the address), the list and what it is
 * for, may expire, and cannot be forged, altered or guessed without the key.
 */
export type TokenPurpose = 'confirm' | 'unsubscribe';

export interface TokenClaims {
  purpose: TokenPurpose;
  /** Subscriber id (see subscribers/identity.ts). */
  subscriber: string;
  /** List id (the settings' `digest.listId`). */
  list: string;
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
  const payload = { p: claims.purpose, s: claims.subscriber, l: claims.list, e: claims.expires, v: claims.version };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(body, key).toString('base64url')}`;
}

/** Checks signature, purpose, list and expiry (`now` in epoch milliseconds). */
export function verifyToken(
  token: unknown,
  expected: { purpose: TokenPurpose; list: string },
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
  let payload: { p?: unknown; s?: unknown; l?: unknown; e?: unknown; v?: unknown };
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if ((payload.p !== 'confirm' && payload.p !== 'unsubscribe') || typeof payload.s !== 'string' || typeof payload.l !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  if (payload.p !== expected.purpose) return { ok: false, reason: 'wrong-purpose' };
  if (payload.l !== expected.list) return { ok: false, reason: 'wrong-list' };
  if (typeof payload.e === 'number' && payload.e * 1000 < now) return { ok: false, reason: 'expired' };
  const claims: TokenClaims = { purpose: payload.p, subscriber: payload.s, list: payload.l };
  if (typeof payload.e === 'number') claims.expires = payload.e;
  if (typeof payload.v === 'number') claims.version = payload.v;
  return { ok: true, claims };
}
