import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The request body stalled: nothing arrived for the idle time. The connection has been closed. */
export class RequestBodyTimeoutError extends Error {
  override name = 'RequestBodyTimeoutError';
}

// Requests whose body was cut off at the limit: their response closes the connection.
const cutOff = new WeakSet<IncomingMessage>();

/**
 * Reads a request body of at most `limit` bytes. A longer one is cut off as soon as it passes the
 * limit: the promise resolves with `limit + 1` bytes (so the handler answers 413 at once), the rest
 * is never read, and `sendResult` closes the connection after the answer. A body that stalls for
 * `idleMs` is given up: the connection is closed and the promise rejects.
 */
export function readBody(req: IncomingMessage, limit = 64 * 1024, idleMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      const room = limit + 1 - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size > limit) {
        finish();
        req.pause();
        cutOff.add(req);
        resolve(Buffer.concat(chunks));
        return;
      }
      timer.refresh();
    };
    const onEnd = () => {
      finish();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      finish();
      reject(error);
    };
    const timer = setTimeout(() => {
      finish();
      req.socket.destroy();
      reject(new RequestBodyTimeoutError(`request body stalled: nothing arrived for ${idleMs / 1000} s after ${size} bytes`));
    }, idleMs);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}

/** A Node request as the API Gateway HTTP API (v2) event the Lambda handlers receive. */
export function toApiGatewayEvent(req: IncomingMessage, url: URL, body: Buffer, routePath: string, methodOverride?: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(',') : value;
  const method = methodOverride ?? req.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: `${method} ${routePath}`,
    rawPath: routePath,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: url.hostname,
      domainPrefix: url.hostname.split('.')[0] ?? url.hostname,
      http: { method, path: routePath, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? '' },
      requestId: `local-${Date.now().toString(36)}`,
      routeKey: `${method} ${routePath}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  };
}

/** Writes a handler's result as the Node response; after a body cut off at the limit, the connection is closed. */
export function sendResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers = { ...(result.headers as Record<string, string> | undefined) };
  const cut = cutOff.has(res.req);
  if (cut) headers.connection = 'close';
  res.writeHead(result.statusCode ?? 200, headers);
  if (cut) lingerThenClose(res.req.socket);
  res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

/** How long a connection whose body was cut off stays half-open after the answer, so the client can read it. */
const LINGER_MS = 2000;

/**
 * Node closes the connection as soon as the answer is out. With the client still sending, closing a
 * socket that has unread data makes the kernel reset the connection, and a client that has not read
 * the answer yet loses it. So the close becomes a half-close (the answer, then end of stream); the
 * rest of the body is not read (the client is held back by TCP), and the socket goes after a moment.
 */
function lingerThenClose(socket: Socket): void {
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
