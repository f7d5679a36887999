import { watch, type FSWatcher } from 'node:fs';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Cron } from 'croner';
import { FileSiteOutput } from '../adapters/fs-output.ts';
import { loadArticles } from '../core/articles/load.ts';
import { renderIssueDueAt } from '../core/digest/preview.ts';
import { personaliseDigest } from '../core/digest/render.ts';
import type { Logger } from '../core/ports.ts';
import { buildSite } from '../core/site/build.ts';
import { loadWebTemplates, renderMessagePage, type WebTemplates } from '../core/web/pages.ts';
import { confirmHandler } from '../handlers/confirm.ts';
import { subscribeHandler } from '../handlers/subscribe.ts';
import { unsubscribeHandler } from '../handlers/unsubscribe.ts';
import { apiDeps } from '../wiring/api.ts';
import { apiMail } from '../wiring/confirmation-mail.ts';
import { openSystem, type System } from '../wiring/system.ts';
import { readBody, sendResult, toApiGatewayEvent } from './api-gateway.ts';
import { readOutboxMessage, renderOutboxPage } from './outbox.ts';
import { sendIssue } from './send.ts';
import { serveStatic } from './static.ts';

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
  system: System;
  /** Rebuilds the site now (also done on every content change). */
  rebuild(): Promise<void>;
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
  const siteDir = resolve(options.dataDir, 'site');
  let routes: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
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
  const host = options.host ?? '127.0.0.1';
  const port = await listen(http, options.port, host);
  const url = process.env.PUBLIC_URL ?? `http://localhost:${port}/`;
  let system: System;
  try {
    system = await openSystem({ contentDir: options.contentDir, dataDir: options.dataDir, templatesDir: options.templatesDir, log, localUrl: url });
  } catch (error) {
    http.close();
    throw error;
  }
  await mkdir(system.dataDir, { recursive: true });
  await writeFile(join(system.dataDir, 'server.json'), JSON.stringify({ pid: process.pid, url }));
  const { settings } = system;
  const web: WebTemplates = await loadWebTemplates(system.templates);
  const outboxTemplate = await system.templates.load('outbox.html');
  // The very handlers the Lambda functions run, made from this machine's parts.
  const api = await apiDeps({ ...system, mail: apiMail(system) });
  const handlers = { subscribe: subscribeHandler(api), confirm: confirmHandler(api), unsubscribe: unsubscribeHandler(api) };

  const rebuild = async () => {
    const report = await buildSite({ content: system.content, output: new FileSiteOutput(siteDir), templates: system.templates, log, adjustSettings: () => settings }, new Date());
    log.info(`site rebuilt: ${report.articles.length} article(s), ${report.problems.length} left out`);
  };
  await rebuild();

  const html = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(body);
  };

  routes = async (req, res) => {
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    const apiMatch = /^\/api\/(subscribe|confirm|unsubscribe)\/?$/.exec(path);
    if (apiMatch) {
      const route = apiMatch[1] as keyof typeof handlers;
      const body = await readBody(req);
      sendResult(res, await handlers[route](toApiGatewayEvent(req, requestUrl, body, `/${route}`)));
      return;
    }
    if (path === '/subscribe' || path === '/subscribe.html') {
      sendResult(res, await handlers.subscribe(toApiGatewayEvent(req, requestUrl, Buffer.alloc(0), '/subscribe', 'GET')));
      return;
    }
    if (path === '/preview') {
      const now = new Date();
      const loaded = loadArticles(await system.content.list(), settings, now);
      const preview = await renderIssueDueAt({ settings, articles: loaded.articles, templates: system.templates, at: now });
      if (!preview) return html(res, 404, renderMessagePage(web, settings, 'Nothing to preview', ['No article has been published yet.']));
      return html(res, 200, personaliseDigest(preview.rendered, { email: 'reader@example.com', unsubscribeUrl: `${settings.digest.apiUrl}unsubscribe?token=preview` }).html);
    }
    if (system.outbox && (path === '/outbox' || path === '/outbox/')) {
      return html(res, 200, await renderOutboxPage(system.outbox, outboxTemplate, web, settings));
    }
    const outboxItem = /^\/outbox\/([A-Za-z0-9-]+)(\.txt|\.eml)?$/.exec(path);
    if (system.outbox && outboxItem) {
      const id = outboxItem[1]!;
      const ext = outboxItem[2];
      if (ext === '.eml') {
        const raw = await system.outbox.read(id);
        if (!raw) return html(res, 404, renderMessagePage(web, settings, 'No such message', []));
        res.writeHead(200, { 'content-type': 'message/rfc822', 'content-disposition': `inline; filename="${id}.eml"` });
        res.end(raw);
        return;
      }
      const message = await readOutboxMessage(system.outbox, id);
      if (!message) return html(res, 404, renderMessagePage(web, settings, 'No such message', []));
      if (ext === '.txt' || !message.html) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(message.text ?? '');
        return;
      }
      return html(res, 200, message.html);
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && (await serveStatic(siteDir, path, req, res))) return;
    html(res, 404, renderMessagePage(web, settings, 'Not found', [`Nothing lives at ${path}.`]));
  };

  // Content changes: rebuild (debounced). The digest reads content afresh at every send.
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(resolve(options.contentDir), { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => rebuild().catch((error: unknown) => log.error(`rebuild failed: ${(error as Error).message}`)), 200);
    });
  } catch (error) {
    log.warn(`content changes will not be picked up automatically: ${(error as Error).message}`);
  }

  // The same cron and time zone the AWS schedule uses.
  const cron =
    options.schedule === false
      ? undefined
      : new Cron(settings.digest.schedule.cron, { timezone: settings.digest.schedule.timezone, protect: true }, async (job: Cron) => {
          const at = job.currentRun() ?? new Date();
          try {
            const summary = await sendIssue(system, at);
            log.info(`scheduled send ${JSON.stringify(summary)}`);
          } catch (error) {
            log.error(`scheduled send failed: ${(error as Error).message}`);
          }
        });

  let closed = false;
  return {
    url,
    system,
    rebuild,
    async close() {
      if (closed) return;
      closed = true;
      cron?.stop();
      watcher?.close();
      clearTimeout(timer);
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
      await rm(join(system.dataDir, 'server.json'), { force: true });
      await system.close();
    },
  };
}
