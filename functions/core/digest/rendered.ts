// What a rendered digest is, apart from the renderer (MJML), so message building never loads it.

/**
 * Per-recipient placeholders in a rendered digest. The digest is rendered once per issue; each
 * recipient's message replaces these by cheap substitution (see message.ts).
 */
export const DIGEST_PLACEHOLDERS = {
  unsubscribeUrl: '%%unsubscribe_url%%',
  recipientEmail: '%%recipient_email%%',
} as const;

/** Gmail clips HTML over 102 KB; this leaves room for the per-recipient values. */
export const HTML_BUDGET_BYTES = 100_000;

export interface RenderedDigest {
  issueId: string;
  subject: string;
  /** The HTML part, with the placeholders still in it. */
  html: string;
  /** The plain-text part, with the placeholders still in it. */
  text: string;
  preheader: string;
  /** Articles with a card in the email (fewer than the issue's when the HTML had to shrink). */
  articleCount: number;
  /** Articles in the issue (the archive page shows them all). */
  issueArticleCount: number;
  /** The mode actually used: `full` falls back to `summary` when the HTML would be clipped. */
  mode: 'summary' | 'full';
  htmlBytes: number;
}
