import type { HttpHandler } from './methods.ts';
import { jsonResponse } from './response.ts';

/**
 * One function serving several routes: the handler whose name is the request path's last segment
 * (`/api/preferences` → `preferences`); any other path is a 404.
 */
export function byPath(routes: Record<string, HttpHandler>): HttpHandler {
  return async (event) => {
    const last = (event.rawPath ?? event.requestContext?.http?.path ?? '').replace(/\/+$/, '').split('/').pop() ?? '';
    const route = Object.hasOwn(routes, last) ? routes[last] : undefined;
    return route ? route(event) : jsonResponse(404, { error: `no route for ${last || '/'}` });
  };
}
