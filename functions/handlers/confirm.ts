import type { LinkState } from '../core/subscribers/links.ts';
import { confirmUrl } from '../core/urls.ts';
import { renderMessagePage } from '../core/web/pages.ts';
import { renderConfirmChoicesPage } from '../core/web/subscription-pages.ts';
import type { ApiDeps } from './http/deps.ts';
import { byMethod, type HttpHandler } from './http/methods.ts';
import { linkToken, query, wantsJson } from './http/request.ts';
import { htmlResponse, jsonResponse } from './http/response.ts';

/**
 * GET /confirm?token=…: the page the confirmation mail links to, naming what was asked for, with one
 * button; it changes nothing (mail scanners follow links). POST /confirm?token=…: the button; confirms
 * the request (and sends the welcome mail once). Bad, expired or forged tokens get a 400 page; pressing
 * the button again changes nothing and sends nothing.
 */
export function confirmHandler({ service, settings, templates, now }: ApiDeps): HttpHandler {
  const refused = (json: boolean, why: Exclude<LinkState, 'valid'>) =>
    json
      ? jsonResponse(400, { status: why })
      : htmlResponse(400, renderMessagePage(templates, settings, 'This link does not work', [
          why === 'expired' ? 'The confirmation link has expired.' : 'The confirmation link is not valid or has been replaced by a newer one.',
          'Subscribe again to get a fresh link.',
        ]));
  return byMethod({
    GET: async (event) => {
      const token = query(event, 'token');
      const check = await service.checkConfirm(token, now());
      if (check.state !== 'valid') return refused(wantsJson(event), check.state);
      return wantsJson(event)
        ? jsonResponse(200, { status: 'valid', newsletters: check.newsletters.map((n) => n.id) })
        : htmlResponse(200, renderConfirmChoicesPage(templates, settings, confirmUrl(settings.digest.apiUrl, token!), check.newsletters));
    },
    POST: async (event) => {
      const json = wantsJson(event);
      const posted = linkToken(event);
      if (!posted.ok) return json ? jsonResponse(posted.error.status, { error: posted.error.message }) : refused(false, 'invalid');
      const result = await service.confirm(posted.token, now());
      if (result === 'expired' || result === 'invalid') return refused(json, result);
      if (json) return jsonResponse(200, { status: result });
      return htmlResponse(200, renderMessagePage(templates, settings, 'You are subscribed', [
        result === 'confirmed' ? `Thank you. Your newsletters from ${settings.title} arrive with their next issues.` : 'This address was already confirmed; nothing has changed.',
      ]));
    },
  });
}
