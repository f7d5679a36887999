// What a rendered digest is, apart from the renderer (MJML), so message building never loads it.

/**
 * Per-recipient placeholders in a rendered digest. The digest is rendered once per issue; each
 * recipient's message replaces these by cheap substitution (see message.ts).
 */
export const DIGEST_PLACEHOLDERS = {
  unsubscribeUrl: '%%unsubscribe_url%%',
  recipientEmail: '%%recipient_email%%',
  /** The signed link to the recipient's preferences page. */
  preferencesUrl: '%%preferences_url%%',
  /** The recipient's name, or the newsletter's `nameFallback` ("Hi {{name}}" → "Hi there"). */
  name: '%%name%%',
} as const;

/** Gmail clips HTML over 102 KB; this leaves room for the per-recipient values. */
export const HTML_BUDGET_BYTES = 100_000;
