import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadArticles } from '../core/articles/load.ts';
import { renderIssueDueAt } from '../core/digest/preview.ts';
import { personaliseDigest } from '../core/digest/render.ts';
import { unsubscribeUrl } from '../core/urls.ts';
import { loadWebTemplates, renderMessagePage, type WebTemplates } from '../core/web/pages.ts';
import type { HttpHandler } from '../handlers/http/methods.ts';
import { SECURITY_HEADERS } from '../handlers/http/response.ts';
import type { System } from '../wiring/system.ts';
import type { LocalConsole } from './admin.ts';
import { readBody, sendResult, toApiGatewayEvent } from './api-gateway.ts';
import { messageView, readOutboxMessage, renderOutboxPage } from './outbox.ts';
import { serveStatic } from './static.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The API's security headers, without HSTS: the local server speaks plain HTTP. */
const { 'strict-transport-security': _hsts, ...LOCAL_HEADERS } = SECURITY_HEADERS;
const PAGE_HEADERS = { ...LOCAL_HEADERS, 'content-type': 'text/html; charset=utf-8' };
/** A mail as a reader's client shows it: its inline styles (MJML) and images, never a script, a form or a frame. */
const MAIL_HEADERS = {
  ...PAGE_HEADERS,
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline' https:; img-src 'self' https: http: data:; font-src https:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
};
/** Raw and plain-text mail: shown, never run. */
const TEXT_HEADERS = { ...LOCAL_HEADERS, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" };

/**
 * The local server's routes: the HTTP API under /api/ through the very same Lambda handlers, the
 * subscribe page, a digest preview, the outbox, and the built site. Pages change nothing: only POSTs
 * to the API do.
 */
export async function localRoutes(input: { system: System; siteDir: string; url: string; api: Record<'subscribe' | 'confirm' | 'unsubscribe' | 'preferences', HttpHandler>; console?: LocalConsole | undefined }): Promise<Route> {
  const { system, siteDir, api } = input;
  const { settings, outbox } = system;
  const web: WebTemplates = await loadWebTemplates(system.templates);
  const [outboxTemplate, messageTemplate] = await Promise.all([system.templates.load('outbox.html'), system.templates.load('outbox-message.html')]);
  const page = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = PAGE_HEADERS) => void res.writeHead(status, headers).end(body);
  const notFound = (res: ServerResponse, heading: string, paragraphs: string[] = []) => page(res, 404, renderMessagePage(web, settings, heading, paragraphs));

  const preview = async (res: ServerResponse) => {
    const now = new Date();
    const loaded = loadArticles(await system.content.list(), settings, now);
    const due = await renderIssueDueAt({ settings, articles: loaded.articles, templates: system.templates, at: now, now });
    if (!due) return notFound(res, 'Nothing to preview', ['No article has been published yet.']);
    page(res, 200, personaliseDigest(due.rendered, { email: 'reader@example.com', unsubscribeUrl: unsubscribeUrl(settings.digest.apiUrl, 'preview'), name: due.newsletter.nameFallback }).html, MAIL_HEADERS);
  };

  const outboxItem = async (res: ServerResponse, id: string, ext: string | undefined) => {
    if (!outbox) return notFound(res, 'No such message');
    if (ext === '.eml') {
      const raw = await outbox.read(id);
      if (!raw) return notFound(res, 'No such message');
      return void res.writeHead(200, { ...TEXT_HEADERS, 'content-type': 'message/rfc822', 'content-disposition': `inline; filename="${id}.eml"` }).end(raw);
    }
    const message = await readOutboxMessage(outbox, id);
    if (!message) return notFound(res, 'No such message');
    if (ext === '.txt' || !message.html) return void res.writeHead(200, { ...TEXT_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end(message.text ?? '');
    page(res, 200, messageView(message, messageTemplate, settings.siteUrl), MAIL_HEADERS);
  };

  const outboxList = async (res: ServerResponse, query: URLSearchParams) => {
    const asked = query.get('page') ?? '1';
    const html = outbox && /^\d{1,6}$/.test(asked) ? await renderOutboxPage(outbox, outboxTemplate, web, settings, Number(asked)) : undefined;
    if (html === undefined) return notFound(res, 'No such page of the outbox', ['The outbox has fewer pages than that.']);
    page(res, 200, html);
  };

  return async (req, res) => {
    const requestUrl = new URL(req.url ?? '/', input.url);
    const path = requestUrl.pathname;
    const apiRoute = /^\/api\/(subscribe|confirm|unsubscribe|preferences)\/?$/.exec(path)?.[1] as keyof typeof api | undefined;
    if (apiRoute) {
      const body = await readBody(req);
      return sendResult(res, await api[apiRoute](toApiGatewayEvent(req, requestUrl, body, `/${apiRoute}`)));
    }
    // The operator console (/admin/) and its API (/api/admin/), behind this run's secret.
    if (input.console && (await input.console.handle(req, res, requestUrl))) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return void res.writeHead(405, { ...LOCAL_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Use GET: only the API under /api/ takes other methods.');
    }
    if (path === '/subscribe' || path === '/subscribe.html') {
      return sendResult(res, await api.subscribe(toApiGatewayEvent(req, requestUrl, Buffer.alloc(0), '/subscribe')));
    }
    if (path === '/preview') return preview(res);
    if (outbox && (path === '/outbox' || path === '/outbox/')) return outboxList(res, requestUrl.searchParams);
    const item = /^\/outbox\/([A-Za-z0-9-]+)(\.txt|\.eml)?$/.exec(path);
    if (item) return outboxItem(res, item[1]!, item[2]);
    if (await serveStatic(siteDir, path, req, res)) return;
    notFound(res, 'Not found', [`Nothing lives at ${path}.`]);
  };
}
