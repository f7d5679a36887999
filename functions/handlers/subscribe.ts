import { renderMessagePage, renderSubscribePage } from '../core/web/pages.ts';
import type { ApiDeps } from './http/deps.ts';
import { byMethod, type HttpHandler } from './http/methods.ts';
import { formFields, RequestError, wantsJson } from './http/request.ts';
import { htmlResponse, jsonResponse } from './http/response.ts';

/** GET: the subscribe form. POST (form or JSON `email`): double opt-in; the same answer whether or not the address is known. */
export function subscribeHandler({ service, settings, templates, now }: ApiDeps): HttpHandler {
  return byMethod({
    GET: async () => htmlResponse(200, renderSubscribePage(templates, settings)),
    POST: async (event) => {
      const json = wantsJson(event);
      let email: string | undefined;
      try {
        email = formFields(event).email;
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        return json ? jsonResponse(error.status, { error: error.message }) : htmlResponse(error.status, renderSubscribePage(templates, settings, { error: error.message }));
      }
      const result = await service.subscribe(email, now());
      if (!result.ok) {
        return json
          ? jsonResponse(400, { error: result.message, field: result.field })
          : htmlResponse(400, renderSubscribePage(templates, settings, { email: email ?? '', error: `Please check the address: ${result.message}.` }));
      }
      return json
        ? jsonResponse(202, { status: 'check-your-inbox' })
        : htmlResponse(202, renderMessagePage(templates, settings, 'Check your inbox', [
            'If that address can receive the digest, a confirmation link is on its way. Click it to start your subscription.',
            'Nothing arrives until you confirm. If you do not see the email in a few minutes, look in your spam folder.',
          ]));
    },
  });
}
