import { newslettersOf, type Newsletter } from '../newsletters/list.ts';
import type { Settings } from '../settings.ts';
import { AdminError } from './errors.ts';

/** The newsletter a console request is about, and the list id its issues are stored under. */
export interface ListChoice {
  newsletter: Pick<Newsletter, 'id' | 'name'>;
  listId: string;
}

/**
 * The newsletter `id` names (the first, today the only one, when absent). Every console service takes
 * it, so a newsletter selector is a small change once there are several.
 */
export function chooseList(settings: Settings, id?: string | undefined): ListChoice {
  const newsletters = newslettersOf(settings);
  const newsletter = id === undefined || id === '' ? newsletters[0] : newsletters.find((n) => n.id === id);
  if (!newsletter) throw new AdminError('not-found', `newsletter: there is no newsletter "${id}" (there are: ${newsletters.map((n) => n.id).join(', ')})`);
  // Today one list: the digest's. Per-newsletter lists will carry their own id here.
  const listId = (newsletter as Newsletter & { listId?: string }).listId ?? settings.digest.listId;
  return { newsletter: { id: newsletter.id, name: newsletter.name }, listId };
}
