import { namesText } from '../core/digest/confirm.ts';
import { unsubscribeUrl } from '../core/urls.ts';
import { renderMessagePage } from '../core/web/pages.ts';
import { renderUnsubscribeChoicesPage, renderUnsubscribedPage } from '../core/web/subscription-pages.ts';
import { newslettersOf } from '../core/newsletters/list.ts';
import type { ApiDeps } from './http/deps.ts';
import { byMethod, type HttpHandler } from './http/methods.ts';
import { formBody, query, RequestError, wantsJson } from './http/request.ts';
import { htmlResponse, jsonResponse } from './http/response.ts';

/**
 * GET /unsubscribe?token=…: a page with a button for the link's newsletter and, when there are several,
 * one for everything; it changes nothing (mail scanners follow links). POST /unsubscribe?token=…: the
 * buttons (`scope=everything` for the second), and the RFC 8058 one-click POST
 * (`List-Unsubscribe=One-Click`), which leaves that newsletter only; all take effect at once and answer 200.
 */
export function unsubscribeHandler({ service, settings, templates, now }: ApiDeps): HttpHandler {
  const several = newslettersOf(settings).length > 1;
  const invalid = (json: boolean) =>
    json
      ? jsonResponse(400, { status: 'invalid' })
      : htmlResponse(400, renderMessagePage(templates, settings, 'This link does not work', [
          'The unsubscribe link is not valid. Use the link from the most recent email, or reply to it and we will remove you.',
        ]));
  return byMethod({
    GET: async (event) => {
      const token = query(event, 'token');
      const check = service.checkUnsubscribe(token, now());
      if (!check.ok) return invalid(wantsJson(event));
      return htmlResponse(200, renderUnsubscribeChoicesPage(templates, settings, unsubscribeUrl(settings.digest.apiUrl, token!), check.newsletter, several));
    },
    POST: async (event) => {
      const json = wantsJson(event);
      let token = query(event, 'token');
      let everything = false;
      try {
        const body = formBody(event);
        token ??= body.value('token');
        everything = body.value('scope') === 'everything';
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        // A one-click POST whose body cannot be read still leaves the link's newsletter.
        if (token === undefined) return json ? jsonResponse(error.status, { error: error.message }) : invalid(false);
      }
      const oneClick = !everything && /List-Unsubscribe=One-Click/.test(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''));
      const result = await service.unsubscribe(token, now(), oneClick ? 'one-click' : 'unsubscribe-page', everything);
      if (!result.ok) return invalid(json);
      if (json) return jsonResponse(200, { status: 'unsubscribed', left: result.left?.id ?? '*', remaining: result.remaining.map((n) => n.id) });
      return htmlResponse(200, renderUnsubscribedPage(templates, settings, {
        everything: result.everything,
        left: result.left?.name ?? 'that newsletter',
        remaining: namesText(result.remaining.map((n) => n.name)),
        preferencesUrl: result.preferencesUrl,
      }));
    },
  });
}
