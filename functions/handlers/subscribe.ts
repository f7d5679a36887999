import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { renderMessagePage, renderSubscribePage } from '../core/web/pages.ts';
import type { ApiDeps } from './http/deps.ts';
import { formFields, method, RequestError, wantsJson } from './http/request.ts';
import { htmlResponse, jsonResponse } from './http/response.ts';
import { lazyDeps } from './lazy.ts';

/** The API's dependencies with the confirmation mail (the one API function that renders MJML and mails). */
export const subscribeApi = lazyDeps<ApiDeps>(async () => (await import('../wiring/aws/api-subscribe.ts')).subscribeDepsFromEnv());

/** GET: the subscribe form. POST (form or JSON `email`): double opt-in; the same answer whether or not the address is known. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const { service, settings, templates, now } = await subscribeApi.get();
  const json = wantsJson(event);
  if (method(event) === 'GET') return htmlResponse(200, renderSubscribePage(templates, settings));
  if (method(event) !== 'POST') return jsonResponse(405, { error: 'use POST' });
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
}
