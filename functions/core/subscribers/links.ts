import { verifyToken, type TokenPurpose } from '../tokens.ts';

export type LinkState = 'valid' | 'expired' | 'invalid';

/**
 * Reads the token of a confirmation or unsubscribe link without acting on it: what the page that a
 * GET of the link opens shows (a button, or why the link does not work). Only the button's POST acts.
 */
export class SubscriptionLinks {
  constructor(private readonly deps: { tokenKey: string | Uint8Array; listId: string }) {}

  check(purpose: TokenPurpose, token: unknown, now: Date): LinkState {
    const result = verifyToken(token, { purpose, list: this.deps.listId }, this.deps.tokenKey, now.getTime());
    if (result.ok) return 'valid';
    return result.reason === 'expired' ? 'expired' : 'invalid';
  }
}
