import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AdminError } from '../core/admin/errors.ts';
import type { IssuesService } from '../core/admin/issues.ts';
import type { OverviewService } from '../core/admin/overview.ts';
import type { SendService } from '../core/admin/send.ts';
import type { SubscribersService } from '../core/admin/subscribers.ts';
import type { Logger } from '../core/ports.ts';
import { adminMethods, matchAdminRoute, type AdminRoute } from './http/admin-routes.ts';
import type { HttpHandler } from './http/methods.ts';
import { formBody, header, method, query, RequestError, type FormBody } from './http/request.ts';
import { jsonResponse, SECURITY_HEADERS } from './http/response.ts';

/** The console's services (core/admin), the same ones `newsletter issues`, `send --test` and `subscribers show` use. */
export interface AdminDeps {
  overview: OverviewService;
  issues: IssuesService;
  subscribers: SubscribersService;
  send: SendService;
  log: Logger;
  now: () => Date;
}

/** The signed-in operator, from the claims the authorizer checked (a JWT authorizer on AWS, the run's secret locally). */
function operatorOf(event: APIGatewayProxyEventV2): string | undefined {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const who = claims?.email ?? claims?.username ?? claims?.['cognito:username'] ?? claims?.sub;
  return typeof who === 'string' && who !== '' ? who : undefined;
}

/** The API prefix is whatever precedes `/admin/` (CloudFront passes `/api/admin/…` through). */
function adminPath(event: APIGatewayProxyEventV2): string {
  const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
  const at = path.indexOf('/admin/');
  return at < 0 ? path : path.slice(at);
}

const STATUS = { 'bad-request': 400, 'not-found': 404, conflict: 409 } as const;

function optionalNumber(event: APIGatewayProxyEventV2, name: string): number | undefined {
  const value = query(event, name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,4}$/.test(value)) throw new AdminError('bad-request', `${name}: a whole number`);
  return Number(value);
}

/**
 * Every `/api/admin/*` route of the console: JSON in, JSON out. Only POST changes anything, and only
 * with a JSON body (a form another site makes a browser post is refused before anything is read).
 * Requests without an authenticated operator are refused: on AWS the JWT authorizer lets none
 * through, and this checks again.
 */
export function adminHandler(deps: AdminDeps): HttpHandler {
  const { overview, issues, subscribers, send, log, now } = deps;
  const newsletter = (event: APIGatewayProxyEventV2) => ({ newsletter: query(event, 'newsletter') });

  const answer = async (route: AdminRoute, id: string | undefined, event: APIGatewayProxyEventV2, operator: string, body: FormBody): Promise<unknown> => {
    switch (route) {
      case 'GET /admin/overview':
        return overview.overview(now());
      case 'GET /admin/progress':
        return overview.progress(newsletter(event));
      case 'GET /admin/issues':
        return issues.list({ ...newsletter(event), limit: optionalNumber(event, 'limit'), after: query(event, 'after') || undefined });
      case 'GET /admin/issues/{id}':
        return issues.show(id!);
      case 'GET /admin/subscribers': {
        const email = query(event, 'email');
        if (email !== undefined) {
          const found = await subscribers.find(email);
          return { items: found ? [found] : [] };
        }
        return subscribers.page(query(event, 'state') ?? 'confirmed', query(event, 'after') || undefined, optionalNumber(event, 'limit'));
      }
      case 'GET /admin/subscriber':
        return subscribers.history(query(event, 'email'), newsletter(event));
      case 'GET /admin/export':
        return subscribers.exportPage(query(event, 'cursor') || undefined);
      case 'GET /admin/send':
        return send.due(now(), newsletter(event));
      case 'POST /admin/subscriber/unsubscribe':
        return subscribers.unsubscribe(body.value('email'), now(), operator);
      case 'POST /admin/subscriber/suppress':
        return subscribers.suppress(body.value('email'), now(), operator, body.value('reason'));
      case 'POST /admin/subscriber/resend':
        return subscribers.resendConfirmation(body.value('email'), now(), operator);
      case 'POST /admin/send/test':
        return send.test(body.value('to'), now(), operator, { newsletter: body.value('newsletter') });
      case 'POST /admin/send/now':
        return send.sendNow(body.value('issueId'), now(), operator, { newsletter: body.value('newsletter') });
    }
  };

  const respond: HttpHandler = async (event) => {
    const operator = operatorOf(event);
    if (!operator) return jsonResponse(401, { error: 'sign in first: this API needs an operator' });
    const path = adminPath(event);
    const verb = method(event);
    const allowed = adminMethods(path);
    if (allowed.length === 0) return jsonResponse(404, { error: `no console route ${path}` });
    const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
    if (verb === 'OPTIONS') return { statusCode: 204, headers: { ...SECURITY_HEADERS, allow } };
    const matched = matchAdminRoute(verb === 'HEAD' ? 'GET' : verb, path);
    if (!matched) return { ...jsonResponse(405, { error: `use ${allow}` }), headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', allow } };
    let body: FormBody = { value: () => undefined, values: () => undefined };
    if (verb === 'POST') {
      const type = (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') return jsonResponse(415, { error: 'send JSON (content-type: application/json)' });
      try {
        body = formBody(event);
      } catch (error) {
        if (error instanceof RequestError) return jsonResponse(error.status, { error: error.message });
        throw error;
      }
    }
    const result = await answer(matched.route, matched.id, event, operator, body).then(
      (value) => jsonResponse(200, value),
      (error: unknown) => {
        if (error instanceof AdminError) return jsonResponse(STATUS[error.code], { error: error.message, code: error.code });
        log.error('console request failed', { route: matched.route, error: (error as Error).message });
        return jsonResponse(500, { error: 'the request failed: see the log' });
      },
    );
    return result;
  };

  return async (event) => {
    const result = await respond(event);
    if (method(event) !== 'HEAD') return result;
    const { body: _body, ...head } = result;
    return head;
  };
}
