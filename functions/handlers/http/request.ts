import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Requests larger than this are refused: a subscribe form is a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

export class RequestError extends Error {
  override name = 'RequestError';
  constructor(readonly status: 400 | 405 | 413 | 415, message: string) {
    super(message);
  }
}

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function method(event: APIGatewayProxyEventV2): string {
  return event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
}

export function query(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const fromParams = event.queryStringParameters?.[name];
  if (fromParams !== undefined) return fromParams;
  return event.rawQueryString ? (new URLSearchParams(event.rawQueryString).get(name) ?? undefined) : undefined;
}

/** True when the client asked for JSON rather than a page. */
export function wantsJson(event: APIGatewayProxyEventV2): boolean {
  const accept = header(event, 'accept') ?? '';
  const type = header(event, 'content-type') ?? '';
  return (/application\/json/i.test(accept) && !/text\/html/i.test(accept)) || (/application\/json/i.test(type) && !/text\/html/i.test(accept));
}

/** A request body read as fields: one value per name, or every value of a repeated field (a JSON array). */
export interface FormBody {
  /** The field's value when it is text (a repeated form field: the last one). */
  value(name: string): string | undefined;
  /** Every value of a field: a repeated form field's values, a JSON array's items; undefined when absent. */
  values(name: string): unknown[] | undefined;
}

/**
 * The request body: a form (`application/x-www-form-urlencoded`) or a JSON object. Bodies that are too
 * large, not UTF-8, not JSON, or of another type are refused with a status and a clear reason.
 */
export function formBody(event: APIGatewayProxyEventV2): FormBody {
  if (!event.body) return { value: () => undefined, values: () => undefined };
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new RequestError(413, `request body is over ${MAX_BODY_BYTES / 1024} KB`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RequestError(400, 'request body is not valid UTF-8');
  }
  const type = (header(event, 'content-type') ?? 'application/x-www-form-urlencoded').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RequestError(400, 'request body is not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RequestError(400, 'request body must be a JSON object');
    const object = parsed as Record<string, unknown>;
    const own = (name: string) => (Object.hasOwn(object, name) ? object[name] : undefined);
    return {
      value: (name) => {
        const v = own(name);
        return typeof v === 'string' ? v : undefined;
      },
      values: (name) => {
        const v = own(name);
        return v === undefined ? undefined : Array.isArray(v) ? v : [v];
      },
    };
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'text/plain') {
    const params = new URLSearchParams(text);
    return { value: (name) => params.getAll(name).at(-1), values: (name) => (params.has(name) ? params.getAll(name) : undefined) };
  }
  throw new RequestError(415, `unsupported content type ${type}: send a form or JSON`);
}

/**
 * The token a POST to a confirmation or unsubscribe link carries: in the link's query string, else in
 * a posted form's `token` field. A body that cannot be read is reported, not thrown.
 */
export function linkToken(event: APIGatewayProxyEventV2): { ok: true; token: string | undefined } | { ok: false; error: RequestError } {
  const inLink = query(event, 'token');
  if (inLink !== undefined) return { ok: true, token: inLink };
  try {
    return { ok: true, token: formBody(event).value('token') };
  } catch (error) {
    if (error instanceof RequestError) return { ok: false, error };
    throw error;
  }
}
