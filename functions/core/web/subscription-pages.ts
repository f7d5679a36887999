import Mustache from 'mustache';
import type { Newsletter } from '../newsletters/list.ts';
import { scheduleInWords } from '../newsletters/schedule-text.ts';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { renderPage } from '../site/pages.ts';
import type { PreferencesView } from '../subscribers/preferences.ts';
import { loadWebTemplates, type WebTemplates } from './pages.ts';

/** The API's pages: the web templates and the preferences page (templates/preferences.html). */
export interface ApiTemplates extends WebTemplates {
  preferences: string;
}

export async function loadApiTemplates(source: TemplateSource): Promise<ApiTemplates> {
  const [web, preferences] = await Promise.all([loadWebTemplates(source), source.load('preferences.html')]);
  return { ...web, preferences };
}

const newsletterView = (n: Newsletter) => ({ id: n.id, name: n.name, description: n.description, when: scheduleInWords(n.schedule) });

/** The confirmation page the mail's link opens: what the request asked for, and a button that POSTs back to the link. */
export function renderConfirmChoicesPage(templates: WebTemplates, settings: Settings, action: string, newsletters: readonly Newsletter[]): string {
  const body = Mustache.render(templates.confirm, { action, site: { title: settings.title }, newsletters: newsletters.map(newsletterView), several: newsletters.length > 1 });
  return renderPage(templates, settings, `Confirm your subscription · ${settings.title}`, settings.siteUrl, body, settings.siteUrl);
}

/**
 * The unsubscribe page: a button that leaves the link's newsletter and, when the publication has more
 * than one, a second that leaves everything; both POST back to the link (scanners only HEAD and GET).
 */
export function renderUnsubscribeChoicesPage(templates: WebTemplates, settings: Settings, action: string, newsletter: Newsletter | undefined, several: boolean): string {
  const body = Mustache.render(templates.unsubscribe, { action, site: { title: settings.title }, newsletter: newsletter && { name: newsletter.name }, several });
  return renderPage(templates, settings, `Unsubscribe · ${settings.title}`, settings.siteUrl, body, settings.siteUrl);
}

/** The page after an unsubscribe: what was left, what is still received, and the way to the preferences. */
export function renderUnsubscribedPage(templates: WebTemplates, settings: Settings, done: { everything: boolean; left: string; remaining: string; preferencesUrl: string }): string {
  const body = Mustache.render(templates.unsubscribe, { site: { title: settings.title }, home: settings.siteUrl, done });
  return renderPage(templates, settings, `You are unsubscribed · ${settings.title}`, settings.siteUrl, body, settings.siteUrl);
}

export interface PreferencesPageState {
  /** A line saying what the last Save did. */
  notice?: string | undefined;
  error?: string | undefined;
  /** The name typed, when the form comes back with an error. */
  name?: string | undefined;
}

/** The preferences page: a checkbox per newsletter, the name, Save; and "unsubscribe from everything". Each form POSTs back to the link. */
export function renderPreferencesPage(templates: ApiTemplates, settings: Settings, action: string, view: PreferencesView, state: PreferencesPageState = {}): string {
  const body = Mustache.render(templates.preferences, {
    action,
    site: { title: settings.title },
    email: view.email,
    name: state.name ?? view.name ?? '',
    version: String(view.version),
    confirmed: view.state === 'confirmed',
    newsletters: view.newsletters.map((c) => ({ ...newsletterView(c.newsletter), ticked: c.ticked, offered: c.offered })),
    offered: view.newsletters.some((c) => c.offered),
    notice: state.notice,
    error: state.error,
  });
  return renderPage(templates, settings, `Your preferences · ${settings.title}`, settings.siteUrl, body, settings.siteUrl);
}
