import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { method } from './request.ts';
import { jsonResponse, SECURITY_HEADERS } from './response.ts';

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * One route, by method. Only POST may change anything: mail scanners (Safe Links, Proofpoint) send
 * HEAD and GET to every link in a mail. HEAD is answered as GET without the body, OPTIONS names the
 * methods, any other method gets a 405.
 */
export function byMethod(route: { GET: HttpHandler; POST?: HttpHandler }): HttpHandler {
  const allow = ['GET', 'HEAD', ...(route.POST ? ['POST'] : []), 'OPTIONS'].join(', ');
  return async (event) => {
    const verb = method(event);
    if (verb === 'GET') return route.GET(event);
    if (verb === 'HEAD') {
      const { body: _body, ...head } = await route.GET(event);
      return head;
    }
    if (verb === 'POST' && route.POST) return route.POST(event);
    if (verb === 'OPTIONS') return { statusCode: 204, headers: { ...SECURITY_HEADERS, allow } };
    const refused = jsonResponse(405, { error: `use ${allow}` });
    return { ...refused, headers: { ...refused.headers, allow } };
  };
}
