/**
 * The console's API, under the API prefix (`/api/admin/…` on the site's domain): one table read by the
 * admin handler (which answers each route), the CDK stack (one HTTP API route each, every one behind
 * the JWT authorizer) and the local server. Only POST routes change anything.
 */
export const ADMIN_ROUTES = [
  'GET /admin/overview',
  'GET /admin/progress',
  'GET /admin/issues',
  'GET /admin/issues/{id}',
  'GET /admin/subscribers',
  'GET /admin/subscriber',
  'GET /admin/export',
  'GET /admin/send',
  'POST /admin/subscriber/unsubscribe',
  'POST /admin/subscriber/suppress',
  'POST /admin/subscriber/resend',
  'POST /admin/send/test',
  'POST /admin/send/now',
] as const;

export type AdminRoute = (typeof ADMIN_ROUTES)[number];

/** The path every console route starts with (under the API prefix). */
export const ADMIN_PATH = '/admin/';

/** The route a method and path (under the API prefix) stand for, with its `{id}` if it has one. */
export function matchAdminRoute(method: string, path: string): { route: AdminRoute; id?: string } | undefined {
  for (const route of ADMIN_ROUTES) {
    const [verb, pattern] = route.split(' ') as [string, string];
    if (verb !== method) continue;
    const [prefix, hasId] = pattern.endsWith('/{id}') ? [pattern.slice(0, -'{id}'.length), true] : [pattern, false];
    if (!hasId && (path === pattern || path === `${pattern}/`)) return { route };
    if (hasId && path.startsWith(prefix)) {
      const raw = path.slice(prefix.length);
      if (raw !== '' && !raw.includes('/')) return { route, id: decoded(raw) };
    }
  }
  return undefined;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The methods some route answers at this path (empty: no such route). */
export function adminMethods(path: string): string[] {
  return [...new Set(['GET', 'POST'].filter((method) => matchAdminRoute(method, path)))];
}
