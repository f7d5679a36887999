import { unsubscribeUrl } from '../core/urls.ts';
import { renderMessagePage, renderUnsubscribePage } from '../core/web/pages.ts';
import type { ApiDeps } from './http/deps.ts';
import { byMethod, type HttpHandler } from './http/methods.ts';
import { linkToken, query, wantsJson } from './http/request.ts';
import { htmlResponse, jsonResponse } from './http/response.ts';

/**
 * GET /unsubscribe?token=…: a page with a button; it changes nothing (mail scanners follow links).
 * POST /unsubscribe?token=…: the button, and the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`);
 * both take effect at once and answer 200.
 */
export function unsubscribeHandler({ service, links, settings, templates, now }: ApiDeps): HttpHandler {
  const invalid = (json: boolean) =>
    json
      ? jsonResponse(400, { status: 'invalid' })
      : htmlResponse(400, renderMessagePage(templates, settings, 'This link does not work', [
          'The unsubscribe link is not valid. Use the link from the most recent email, or reply to it and we will remove you.',
        ]));
  return byMethod({
    GET: async (event) => {
      const token = query(event, 'token');
      if (links.check('unsubscribe', token, now()) !== 'valid') return invalid(wantsJson(event));
      return htmlResponse(200, renderUnsubscribePage(templates, settings, unsubscribeUrl(settings.digest.apiUrl, token!)));
    },
    POST: async (event) => {
      const json = wantsJson(event);
      const posted = linkToken(event);
      if (!posted.ok) return json ? jsonResponse(posted.error.status, { error: posted.error.message }) : invalid(false);
      if ((await service.unsubscribe(posted.token, now())) === 'invalid') return invalid(json);
      return json
        ? jsonResponse(200, { status: 'unsubscribed' })
        : htmlResponse(200, renderMessagePage(templates, settings, 'You are unsubscribed', [
            `You will not receive the ${settings.title} digest any more.`,
            'Changed your mind? You can subscribe again at any time.',
          ]));
    },
  });
}
