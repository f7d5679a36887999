import { renderMessagePage } from '../core/web/pages.ts';
import type { ApiDeps } from './http/deps.ts';
import { query, wantsJson, type HttpHandler } from './http/request.ts';
import { htmlResponse, jsonResponse } from './http/response.ts';

/** GET /confirm?token=…: confirms a pending subscription. Bad, expired or forged tokens get a 400 page. */
export function confirmHandler({ service, settings, templates, now }: ApiDeps): HttpHandler {
  return async (event) => {
    const result = await service.confirm(query(event, 'token'), now());
    const ok = result === 'confirmed' || result === 'already-confirmed';
    if (wantsJson(event)) return jsonResponse(ok ? 200 : 400, { status: result });
    if (ok) {
      return htmlResponse(200, renderMessagePage(templates, settings, 'You are subscribed', [
        result === 'confirmed' ? `Thank you. The ${settings.title} digest will arrive with the next issue.` : 'This address was already confirmed; nothing has changed.',
      ]));
    }
    return htmlResponse(400, renderMessagePage(templates, settings, 'This link does not work', [
      result === 'expired' ? 'The confirmation link has expired.' : 'The confirmation link is not valid or has been replaced by a newer one.',
      'Subscribe again to get a fresh link.',
    ]));
  };
}
