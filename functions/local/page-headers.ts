import { SECURITY_HEADERS } from '../handlers/http/response.ts';

/**
 * The API's protections (no sniffing, no framing, no referrer, a content security policy) in the
 * forms the local pages need. Strict-Transport-Security is left out: the local server speaks plain
 * HTTP, and a browser that saw it from localhost once would refuse every other local server.
 */
const { 'strict-transport-security': _hsts, 'cache-control': _cache, 'content-security-policy': _csp, ...PROTECTIONS } = SECURITY_HEADERS;

export type PageKind =
  /** A page of the built site: the site's own stylesheet, images from itself or https:, forms to the API. */
  | 'site'
  /** HTML that carries its own inline styles and that we did not write for the web (a mail's HTML in the outbox or preview). */
  | 'mail';

const POLICIES: Record<PageKind, string> = {
  site: "default-src 'none'; style-src 'self'; img-src 'self' https:; form-action 'self' https:; base-uri 'none'; frame-ancestors 'none'",
  // Sandboxed: no script, form or plugin of the mail can run; its links may still open in a new tab.
  mail: "default-src 'none'; style-src 'unsafe-inline' https:; img-src 'self' https: data:; font-src https:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'; sandbox allow-popups allow-popups-to-escape-sandbox",
};

/** The security headers for a local page of this kind (add Content-Type and Cache-Control). */
export function pageHeaders(kind: PageKind): Record<string, string> {
  return { ...PROTECTIONS, 'content-security-policy': POLICIES[kind] };
}
