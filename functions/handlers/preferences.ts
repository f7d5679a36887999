import { preferencesUrl } from '../core/urls.ts';
import { renderMessagePage } from '../core/web/pages.ts';
import { renderPreferencesPage } from '../core/web/subscription-pages.ts';
import type { ApiDeps } from './http/deps.ts';
import { byMethod, type HttpHandler } from './http/methods.ts';
import { formBody, query, RequestError, wantsJson, type FormBody } from './http/request.ts';
import { htmlResponse, jsonResponse } from './http/response.ts';

/**
 * GET /preferences?token=…: the person's choices (a checkbox per newsletter, the name); changes nothing.
 * POST /preferences?token=…: Save (`newsletters` repeated, `name`, `version`) or `scope=everything`.
 * The form carries the record's version: a replayed or stale form changes nothing (409 with the page
 * as it stands). A bad or forged token is a 400 page.
 */
export function preferencesHandler({ preferences, settings, templates, now }: ApiDeps): HttpHandler {
  const invalid = (json: boolean) =>
    json
      ? jsonResponse(400, { status: 'invalid' })
      : htmlResponse(400, renderMessagePage(templates, settings, 'This link does not work', [
          'The preferences link is not valid. Use the link from the most recent email.',
        ]));
  const action = (token: string) => preferencesUrl(settings.digest.apiUrl, token);
  const viewJson = (view: { email: string; name: string | undefined; state: string; version: number; newsletters: { newsletter: { id: string }; ticked: boolean }[] }) => ({
    email: view.email,
    name: view.name ?? null,
    state: view.state,
    version: view.version,
    newsletters: view.newsletters.filter((c) => c.ticked).map((c) => c.newsletter.id),
  });
  return byMethod({
    GET: async (event) => {
      const token = query(event, 'token');
      const page = await preferences.show(token, now());
      if (!page.ok) return invalid(wantsJson(event));
      return wantsJson(event) ? jsonResponse(200, viewJson(page.view)) : htmlResponse(200, renderPreferencesPage(templates, settings, action(token!), page.view));
    },
    POST: async (event) => {
      const json = wantsJson(event);
      const token = query(event, 'token');
      let body: FormBody;
      try {
        body = formBody(event);
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        return json ? jsonResponse(error.status, { error: error.message }) : invalid(false);
      }
      const result = await preferences.save(
        token,
        { version: body.value('version'), newsletters: body.values('newsletters') ?? [], name: body.values('name')?.at(-1), everything: body.value('scope') === 'everything' },
        now(),
      );
      if (!result.ok) {
        if (!('view' in result)) return invalid(json);
        const status = result.reason === 'field' ? 400 : 409;
        if (json) return jsonResponse(status, { error: result.message, ...(result.field ? { field: result.field } : {}), current: viewJson(result.view) });
        const typed = result.field === 'newsletters' ? undefined : typeof body.value('name') === 'string' ? body.value('name')!.slice(0, 300) : undefined;
        return htmlResponse(status, renderPreferencesPage(templates, settings, action(token!), result.view, { error: result.message, name: result.field === 'name' ? typed : undefined }));
      }
      if (json) return jsonResponse(200, { status: result.outcome, ...viewJson(result.view) });
      const notice = result.outcome === 'unsubscribed' ? `You are unsubscribed from everything ${settings.title} sends.` : 'Saved. The next issues follow your choices.';
      return htmlResponse(200, renderPreferencesPage(templates, settings, action(token!), result.view, { notice }));
    },
  });
}
