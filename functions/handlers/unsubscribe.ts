import { unsubscribeUrl } from '../core/urls.ts';
import { renderMessagePage, renderUnsubscribePage } from '../core/web/pages.ts';
import type { ApiDeps } from './http/deps.ts';
import { formFields, method, query, RequestError, wantsJson, type HttpHandler } from './http/request.ts';
import { htmlResponse, jsonResponse } from './http/response.ts';

/**
 * GET /unsubscribe?token=…: a page with a button; it changes nothing (mail scanners follow links).
 * POST /unsubscribe?token=…: the button, and the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`);
 * both take effect at once and answer 200.
 */
export function unsubscribeHandler({ service, settings, templates, now }: ApiDeps): HttpHandler {
  return async (event) => {
    const json = wantsJson(event);
    const invalid = () =>
      json
        ? jsonResponse(400, { status: 'invalid' })
        : htmlResponse(400, renderMessagePage(templates, settings, 'This link does not work', [
            'The unsubscribe link is not valid. Use the link from the most recent email, or reply to it and we will remove you.',
          ]));
    let token = query(event, 'token');
    if (method(event) === 'POST') {
      try {
        token ??= formFields(event).token;
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        if (!token) return json ? jsonResponse(error.status, { error: error.message }) : invalid();
      }
      if ((await service.unsubscribe(token, now())) === 'invalid') return invalid();
      return json
        ? jsonResponse(200, { status: 'unsubscribed' })
        : htmlResponse(200, renderMessagePage(templates, settings, 'You are unsubscribed', [
            `You will not receive the ${settings.title} digest any more.`,
            'Changed your mind? You can subscribe again at any time.',
          ]));
    }
    if (method(event) !== 'GET') return jsonResponse(405, { error: 'use GET or POST' });
    if (!service.checkUnsubscribe(token, now())) return invalid();
    return htmlResponse(200, renderUnsubscribePage(templates, settings, unsubscribeUrl(settings.digest.apiUrl, token!)));
  };
}
