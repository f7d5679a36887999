import { renderMessagePage, renderSubscribePage } from '../core/web/pages.ts';
import type { ApiDeps } from './http/deps.ts';
import { byMethod, type HttpHandler } from './http/methods.ts';
import { formBody, RequestError, wantsJson, type FormBody } from './http/request.ts';
import { htmlResponse, jsonResponse } from './http/response.ts';

const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 300) : '');

/**
 * GET: the subscribe form. POST (form or JSON): `email`, optional `name`, and `newsletters` (repeated
 * form field, or a JSON array of ids; absent: the defaults). Double opt-in; the same answer whether or
 * not the address is known. A bad field is a 400 naming it, and the form comes back as it was filled.
 */
export function subscribeHandler({ service, settings, templates, now }: ApiDeps): HttpHandler {
  return byMethod({
    GET: async () => htmlResponse(200, renderSubscribePage(templates, settings)),
    POST: async (event) => {
      const json = wantsJson(event);
      let body: FormBody;
      try {
        body = formBody(event);
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        return json ? jsonResponse(error.status, { error: error.message }) : htmlResponse(error.status, renderSubscribePage(templates, settings, { error: error.message }));
      }
      const email = body.value('email');
      const name = body.values('name')?.at(-1);
      const newsletters = body.values('newsletters');
      const result = await service.subscribe(email, now(), 'form', { name, newsletters });
      if (!result.ok) {
        const what = { email: 'the address', name: 'the name', newsletters: 'the newsletters chosen' }[result.field];
        const chosen = newsletters?.filter((v): v is string => typeof v === 'string').slice(0, 50);
        return json
          ? jsonResponse(400, { error: result.message, field: result.field })
          : htmlResponse(400, renderSubscribePage(templates, settings, { email: email ?? '', name: text(name), ...(chosen ? { chosen } : {}), error: `Please check ${what}: ${result.message}.` }));
      }
      return json
        ? jsonResponse(202, { status: 'check-your-inbox' })
        : htmlResponse(202, renderMessagePage(templates, settings, 'Check your inbox', [
            'If that address can receive our newsletters, a confirmation link is on its way. Click it to start your subscription.',
            'Nothing arrives until you confirm. If you do not see the email in a few minutes, look in your spam folder.',
          ]));
    },
  });
}
