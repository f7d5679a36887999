import Mustache from 'mustache';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { loadPageTemplates, partialsOf, renderPage, type PageTemplates } from '../site/pages.ts';
import { SITE_PATHS, siteUrlFor } from '../urls.ts';
import { subscribeFormView, type SubscribeFormState } from './subscribe-form.ts';

export type { SubscribeFormState } from './subscribe-form.ts';

export interface WebTemplates extends PageTemplates {
  subscribe: string;
  message: string;
  confirm: string;
  unsubscribe: string;
}

export async function loadWebTemplates(source: TemplateSource): Promise<WebTemplates> {
  const [pages, subscribe, message, confirm, unsubscribe] = await Promise.all([
    loadPageTemplates(source),
    source.load('subscribe.html'),
    source.load('message.html'),
    source.load('confirm.html'),
    source.load('unsubscribe.html'),
  ]);
  return { ...pages, subscribe, message, confirm, unsubscribe };
}

function scheduleText(settings: Settings): string {
  const [minute, hour, dom, , dow] = settings.digest.schedule.cron.split(/\s+/);
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const time = /^\d+$/.test(hour ?? '') && /^\d+$/.test(minute ?? '') ? ` at ${hour!.padStart(2, '0')}:${minute!.padStart(2, '0')} (${settings.digest.schedule.timezone})` : '';
  if (dom === '*' && /^\d$/.test(dow ?? '')) return `every ${days[Number(dow) % 7]}${time}`;
  if (dom === '*' && dow === '*') return `every day${time}`;
  return 'on a regular schedule';
}

/**
 * The subscribe page (subscribe.html, which the build writes and the subscribe route serves): the
 * form of partials/subscribe-form.html; after a failed attempt it keeps what was typed and chosen
 * and says what is wrong.
 */
export function renderSubscribePage(templates: Pick<WebTemplates, keyof PageTemplates | 'subscribe'>, settings: Settings, form: SubscribeFormState = {}): string {
  const body = Mustache.render(
    templates.subscribe,
    {
      root: settings.siteUrl,
      site: { title: settings.title, description: settings.description },
      schedule: scheduleText(settings),
      form: { ...subscribeFormView(settings, form), standalone: true },
    },
    partialsOf(templates),
  );
  return renderPage(templates, settings, `Subscribe · ${settings.title}`, settings.siteUrl, body, siteUrlFor(settings.siteUrl, SITE_PATHS.subscribe), {
    description: `Subscribe to ${settings.title} by email. ${settings.description}`,
  });
}

/** A short result page: a heading and a few sentences. */
export function renderMessagePage(templates: WebTemplates, settings: Settings, heading: string, paragraphs: string[]): string {
  const body = Mustache.render(templates.message, { heading, paragraphs, home: settings.siteUrl, site: { title: settings.title } });
  return renderPage(templates, settings, `${heading} · ${settings.title}`, settings.siteUrl, body, settings.siteUrl);
}

/** The confirmation page the mail's link opens: a button that POSTs back to the same link (scanners only HEAD and GET). */
export function renderConfirmPage(templates: WebTemplates, settings: Settings, action: string): string {
  const body = Mustache.render(templates.confirm, { action, site: { title: settings.title }, schedule: scheduleText(settings) });
  return renderPage(templates, settings, `Confirm your subscription · ${settings.title}`, settings.siteUrl, body, settings.siteUrl);
}

/** The unsubscribe page: a button that POSTs back to the same link (scanners only HEAD and GET). */
export function renderUnsubscribePage(templates: WebTemplates, settings: Settings, action: string): string {
  const body = Mustache.render(templates.unsubscribe, { action, site: { title: settings.title } });
  return renderPage(templates, settings, `Unsubscribe · ${settings.title}`, settings.siteUrl, body, settings.siteUrl);
}
