import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { SendStarter } from '../core/admin/ports.ts';
import { adminHandler } from '../handlers/admin.ts';
import { SECURITY_HEADERS } from '../handlers/http/response.ts';
import { adminDeps } from '../wiring/admin.ts';
import { DEFAULT_TEMPLATES } from '../wiring/paths.ts';
import type { System } from '../wiring/system.ts';
import { readBody, sendResult, toApiGatewayEvent } from './api-gateway.ts';
import { SendLockedError, sendIssue } from './send.ts';

/** The console's pages (the same files the stack uploads to the site bucket under admin/). */
const PAGES: Record<string, string> = { 'index.html': 'text/html; charset=utf-8', 'admin.js': 'text/javascript; charset=utf-8', 'admin.css': 'text/css; charset=utf-8' };

const { 'strict-transport-security': _hsts, ...LOCAL } = SECURITY_HEADERS;
/** Only its own script and styles (a mail's inline styles in the preview), only its own API. */
const CONSOLE_HEADERS = {
  ...LOCAL,
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: http: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** The operator the local secret stands for, as the handler reads an authorizer's claims. */
const LOCAL_OPERATOR = { sub: 'local-operator', username: 'local operator' };

/** How long "send now" waits for the local send to refuse or finish before answering that it started. */
const START_WAIT_MS = 400;

/**
 * "Send now" on one machine: the local send (the planner and the delivery worker in this process, as
 * `newsletter send` runs them) started in the background; its progress shows on the issue record.
 */
export function localSendStarter(system: System): SendStarter {
  return {
    async start(issueId, at, newsletter) {
      const running = sendIssue(system, at, { newsletter }).then(
        (summary) => {
          system.log.info(`console send ${JSON.stringify(summary)}`);
          return summary;
        },
        (error: unknown) => {
          system.log.error(`console send failed: ${(error as Error).message}`);
          throw error;
        },
      );
      const early = await Promise.race([running.then((summary) => ({ summary }), (error: unknown) => ({ error })), new Promise<undefined>((r) => setTimeout(r, START_WAIT_MS))]);
      if (!early) return { kind: 'started', issueId };
      if ('error' in early) {
        if (early.error instanceof SendLockedError) return { kind: 'refused', issueId, reason: early.error.message };
        throw early.error;
      }
      const s = early.summary;
      if (s.kind === 'nothing-to-send') return { kind: 'finished', issueId, detail: `nothing to send (${s.reason})` };
      if (s.kind === 'sent') return { kind: 'finished', issueId, detail: `sent ${s.progress.sent}, skipped ${s.progress.skipped}, failed ${s.progress.failed}` };
      return { kind: 'finished', issueId, detail: s.kind };
    },
  };
}

export interface LocalConsole {
  /** The run's secret: the console sends it as `Authorization: Bearer …`; `npm start` prints it in the console's address. */
  token: string;
  /** Answers /admin, its files and /api/admin/*; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  void res.writeHead(status, { ...LOCAL, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));

/** The Host names the server answers the console's API under: its own loopback address and port. */
export function consoleHosts(url: string, port: number): Set<string> {
  return new Set([new URL(url).host, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
}

function sameSecret(given: string | undefined, token: string): boolean {
  const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(given ?? '');
  if (!match) return false;
  const a = Buffer.from(match[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The console on one machine: its pages at /admin/ and its API at /api/admin/ through the very same
 * handler as on AWS. The server listens on loopback, but a page of another site open in the
 * operator's browser can still send requests to it, and a DNS-rebinding name can reach it: the API
 * answers only requests whose Host is this server's loopback address and port, from no other origin,
 * carrying this run's secret in the Authorization header (which no form, link or image can send).
 */
export async function localConsole(input: { system: System; url: string; port: number; templatesDir?: string | undefined }): Promise<LocalConsole> {
  const { system } = input;
  const token = randomBytes(32).toString('base64url');
  const hosts = consoleHosts(input.url, input.port);
  const handler = adminHandler(adminDeps({ ...system, starter: localSendStarter(system) }));
  const dir = join(input.templatesDir ?? DEFAULT_TEMPLATES, 'admin');

  const page = async (res: ServerResponse, name: string, head: boolean) => {
    const body = name === 'config.json' ? JSON.stringify({ mode: 'local' }) : await readFile(join(dir, name));
    const type = name === 'config.json' ? 'application/json; charset=utf-8' : PAGES[name]!;
    res.writeHead(200, { ...CONSOLE_HEADERS, 'content-type': type, 'cache-control': 'no-cache' }).end(head ? undefined : body);
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const host = req.headers.host ?? '';
    if (!hosts.has(host)) return json(res, 403, { error: `this API answers only at ${[...hosts][0]} (the Host was ${JSON.stringify(host)})` });
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) return json(res, 403, { error: 'requests from other sites are refused' });
    if (req.headers['sec-fetch-site'] === 'cross-site') return json(res, 403, { error: 'requests from other sites are refused' });
    if (!sameSecret(req.headers.authorization, token)) return json(res, 401, { error: 'the console needs this run’s secret: open the address `npm start` printed' });
    const body = await readBody(req);
    const event = toApiGatewayEvent(req, url, body, url.pathname);
    const authorized = { ...event, requestContext: { ...event.requestContext, authorizer: { jwt: { claims: LOCAL_OPERATOR, scopes: [] } } } };
    sendResult(res, await handler(authorized));
  };

  return {
    token,
    async handle(req, res, url) {
      const path = url.pathname;
      if (path.startsWith('/api/admin/')) {
        await api(req, res, url);
        return true;
      }
      if (path === '/admin') {
        res.writeHead(301, { ...LOCAL, location: '/admin/' }).end();
        return true;
      }
      if (!path.startsWith('/admin/')) return false;
      const name = path === '/admin/' ? 'index.html' : path.slice('/admin/'.length);
      if (!(name in PAGES) && name !== 'config.json') return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...LOCAL, allow: 'GET, HEAD' }).end();
        return true;
      }
      await page(res, name, req.method === 'HEAD');
      return true;
    },
  };
}
