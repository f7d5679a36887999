import { LEGACY_NEWSLETTER_ID, newslettersOf, type Newsletter } from '../newsletters/list.ts';
import type { Settings } from '../settings.ts';
import { AdminError } from './errors.ts';

/** A newsletter as the console names it. */
export type NewsletterName = Pick<Newsletter, 'id' | 'name'>;

/** The newsletter a console request is about, and the list id its issues are stored under. */
export interface ListChoice {
  newsletter: NewsletterName;
  listId: string;
  /** Its whole definition (schedule, lookback, sender…). */
  definition: Newsletter;
}

const choice = (n: Newsletter): ListChoice => ({ newsletter: { id: n.id, name: n.name }, listId: n.listId, definition: n });

/** Every newsletter, in the settings' order. */
export function allLists(settings: Settings): ListChoice[] {
  return newslettersOf(settings).map(choice);
}

/** The newsletter `id` names; when absent, the one the planner sends by default (the legacy one, else the first). */
export function chooseList(settings: Settings, id?: string | undefined): ListChoice {
  const newsletters = newslettersOf(settings);
  const newsletter = id === undefined || id === ''
    ? (newsletters.find((n) => n.id === LEGACY_NEWSLETTER_ID) ?? newsletters[0])
    : newsletters.find((n) => n.id === id);
  if (!newsletter) throw new AdminError('not-found', `newsletter: there is no newsletter "${id}" (there are: ${newsletters.map((n) => n.id).join(', ')})`);
  return choice(newsletter);
}

/** The newsletter an issue belongs to (issues planned before newsletters name none: the legacy one). */
export function newsletterOfIssue(settings: Settings, issue: { newsletter?: string | undefined; listId: string }): NewsletterName {
  const newsletters = newslettersOf(settings);
  const id = issue.newsletter ?? LEGACY_NEWSLETTER_ID;
  const found = newsletters.find((n) => n.id === id) ?? newsletters.find((n) => n.listId === issue.listId);
  return found ? { id: found.id, name: found.name } : { id, name: id };
}
