import { newslettersOf, type Newsletter } from '../newsletters/list.ts';
import type { Settings } from '../settings.ts';
import { listPagePath, newsletterFolder, siteUrlFor, subscribeUrl } from '../urls.ts';

/** What the subscribe form shows again after a failed attempt: what was typed, which newsletters were chosen, what is wrong. */
export interface SubscribeFormState {
  email?: string;
  name?: string;
  /** Newsletter ids ticked; absent: the defaults. */
  chosen?: string[];
  error?: string;
}

/** One newsletter as the form offers it: a checkbox named `newsletters` with the id as its value. */
export interface NewsletterChoice {
  id: string;
  name: string;
  description: string;
  checked: boolean;
  /** Absolute URL of the newsletter's page on the site (its articles and feeds). */
  page: string;
}

/**
 * The view of templates/partials/subscribe-form.html: a form that posts `email`, an optional `name`
 * and, when there is more than one newsletter, a `newsletters` checkbox per newsletter (the defaults
 * ticked unless `state.chosen` says otherwise) to the API's subscribe route.
 */
export function subscribeFormView(settings: Settings, state: SubscribeFormState = {}, newsletters: readonly Newsletter[] = newslettersOf(settings)) {
  const chosen = state.chosen === undefined ? undefined : new Set(state.chosen);
  const choices: NewsletterChoice[] = newsletters.map((n) => ({
    id: n.id,
    name: n.name,
    description: n.description,
    checked: chosen ? chosen.has(n.id) : n.default,
    page: siteUrlFor(settings.siteUrl, listPagePath(newsletterFolder(n.id), 1)),
  }));
  return {
    action: subscribeUrl(settings.digest.apiUrl),
    title: settings.title,
    email: state.email ?? '',
    name: state.name ?? '',
    error: state.error,
    /** Checkboxes only when there is a choice to make. */
    choices: choices.length > 1,
    newsletters: choices,
  };
}

export type SubscribeFormView = ReturnType<typeof subscribeFormView>;

const defaults = new WeakMap<Settings, SubscribeFormView>();

/** The form as every page of the site shows it (nothing typed, the default newsletters ticked); one per settings object. */
export function defaultSubscribeForm(settings: Settings): SubscribeFormView {
  let view = defaults.get(settings);
  if (!view) defaults.set(settings, (view = subscribeFormView(settings)));
  return view;
}
