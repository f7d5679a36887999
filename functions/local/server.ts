import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Logger } from '../core/ports.ts';
import { confirmHandler } from '../handlers/confirm.ts';
import { preferencesHandler } from '../handlers/preferences.ts';
import { subscribeHandler } from '../handlers/subscribe.ts';
import { unsubscribeHandler } from '../handlers/unsubscribe.ts';
import { apiDeps } from '../wiring/api.ts';
import { apiMail } from '../wiring/confirmation-mail.ts';
import { openSystem, type System } from '../wiring/system.ts';
import { localConsole } from './admin.ts';
import type { BuildSummary } from './build-worker.ts';
import { siteRebuilds } from './rebuilds.ts';
import { localRoutes, type Route } from './routes.ts';
import { digestSchedule } from './schedule.ts';
import { forgetServer, recordServer } from './server-record.ts';

export interface ServerOptions {
  port: number;
  host?: string;
  contentDir: string;
  dataDir: string;
  templatesDir?: string | undefined;
  log: Logger;
  /** Print a line per request (default true). */
  logRequests?: boolean;
  /** Run the digest schedule (default true). */
  schedule?: boolean;
}

export interface RunningServer {
  url: string;
  /** The operator console's secret for this run: the console is at `${url}admin/#secret=${adminToken}`. */
  adminToken: string;
  system: System;
  /** Rebuilds the site now (also done on every content change and when a scheduled article's time comes). */
  rebuild(): Promise<BuildSummary>;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** Request paths as logged: a token in a query string is never written to a log. */
export function redactTokens(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1…');
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((ok, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') fail(new PortInUseError(`port ${port} is already in use: stop what is using it, or set PORT to another port`));
      else fail(error);
    });
    server.listen(port, host, () => ok((server.address() as AddressInfo).port));
  });
}

/**
 * The whole product on one machine: the site (feeds with conditional GET, pages), the HTTP API through
 * the very same Lambda handlers, a digest preview, the outbox, and the digest schedule.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { log } = options;
  let routes: Route | undefined;
  const http = createServer((req, res) => {
    const started = performance.now();
    res.on('finish', () => {
      if (options.logRequests !== false) log.info(`${req.method} ${redactTokens(req.url ?? '/')} ${res.statusCode} ${(performance.now() - started).toFixed(0)}ms`);
    });
    (routes ?? (async (_q, r) => void r.writeHead(503).end()))(req, res).catch((error: unknown) => {
      log.error(`${req.method} ${redactTokens(req.url ?? '/')} failed: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error: see the server log.');
    });
  });
  const port = await listen(http, options.port, options.host ?? '127.0.0.1');
  const url = process.env.PUBLIC_URL ?? `http://localhost:${port}/`;
  let system: System;
  try {
    system = await openSystem({ contentDir: options.contentDir, dataDir: options.dataDir, templatesDir: options.templatesDir, log, localUrl: url });
  } catch (error) {
    http.close();
    throw error;
  }
  await mkdir(system.dataDir, { recursive: true });
  await recordServer(system.dataDir, url);

  const api = await apiDeps({ ...system, mail: apiMail(system) });
  const siteDir = resolve(system.dataDir, 'site');
  const site = siteRebuilds({ paths: { content: options.contentDir, out: siteDir, templates: options.templatesDir }, settings: system.settings, log, store: system.store });
  let schedule: { stop(): void } | undefined;
  let adminConsole: Awaited<ReturnType<typeof localConsole>> | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    schedule?.stop();
    await site.close();
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
    await forgetServer(system.dataDir);
    await system.close();
  };
  try {
    adminConsole = await localConsole({ system, url, port, templatesDir: options.templatesDir });
    routes = await localRoutes({ system, siteDir, url, console: adminConsole, api: { subscribe: subscribeHandler(api), confirm: confirmHandler(api), unsubscribe: unsubscribeHandler(api), preferences: preferencesHandler(api) } });
    // The API answers while the first build runs; the server is reported running once the site is there.
    await site.rebuild();
    if (options.schedule !== false) schedule = digestSchedule(system);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, adminToken: adminConsole!.token, system, rebuild: site.rebuild, close };
}
