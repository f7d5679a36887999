import type { Newsletter } from '../newsletters/list.ts';
import { choicesOf } from '../newsletters/membership.ts';
import type { Logger } from '../ports.ts';
import { checkToken, type LinkKeys } from './links.ts';
import { normaliseName } from './name.ts';
import { readChoices } from './service.ts';
import type { SubscriberState, SubscriberStore } from './types.ts';

/** What the preferences page shows one subscriber. */
export interface PreferencesView {
  email: string;
  name: string | undefined;
  state: SubscriberState;
  /** The record's version: the form carries it back, so a stale or replayed form changes nothing. */
  version: number;
  newsletters: { newsletter: Newsletter; ticked: boolean; offered: boolean }[];
}

export type PreferencesPage = { ok: true; view: PreferencesView } | { ok: false; reason: 'invalid' | 'missing' };

/** What the page's form sends back. `everything`: the "unsubscribe from everything" button. */
export interface PreferencesChange {
  version: unknown;
  newsletters: readonly unknown[];
  name: unknown;
  everything: boolean;
}

export type SaveResult =
  | { ok: true; outcome: 'updated' | 'unsubscribed'; view: PreferencesView }
  | { ok: false; reason: 'invalid' | 'missing' }
  /** The form named something wrong (field and message), or was stale or for an address that is not confirmed; the view is current. */
  | { ok: false; reason: 'field' | 'stale' | 'not-confirmed'; field?: 'name' | 'newsletters'; message: string; view: PreferencesView };

export interface PreferencesDeps {
  subscribers: SubscriberStore;
  keys: Pick<LinkKeys, 'tokenKey' | 'newsletters'>;
  log: Logger;
}

/**
 * The preferences page behind the signed link every mail carries: GET shows the choices and changes
 * nothing; POST applies the person's own ticks, name and "unsubscribe from everything". Ticking a
 * newsletter they once left joins it again (their own action); an address opted out of everything is
 * not resubscribed here: that takes a new confirmation from the subscribe form.
 */
export class PreferencesService {
  constructor(private readonly deps: PreferencesDeps) {}

  private view(subscriber: NonNullable<Awaited<ReturnType<SubscriberStore['get']>>>, offered: readonly string[]): PreferencesView {
    const chosen = subscriber.state === 'confirmed' ? choicesOf(subscriber) : [];
    return {
      email: subscriber.email,
      name: subscriber.name,
      state: subscriber.state,
      version: subscriber.version,
      newsletters: this.deps.keys.newsletters.map((newsletter) => ({
        newsletter,
        ticked: chosen.includes(newsletter.id) || (subscriber.state === 'confirmed' && offered.includes(newsletter.id)),
        offered: offered.includes(newsletter.id) && !chosen.includes(newsletter.id),
      })),
    };
  }

  private async read(token: unknown, now: Date) {
    const check = checkToken(this.deps.keys, 'preferences', token, now);
    if (!check.ok) return { ok: false as const, reason: 'invalid' as const };
    const subscriber = await this.deps.subscribers.get(check.claims.subscriber);
    if (!subscriber) return { ok: false as const, reason: 'missing' as const };
    return { ok: true as const, subscriber, offered: check.claims.newsletters ?? [] };
  }

  /** The page a GET shows (nothing changes). */
  async show(token: unknown, now: Date): Promise<PreferencesPage> {
    const read = await this.read(token, now);
    return read.ok ? { ok: true, view: this.view(read.subscriber, read.offered) } : read;
  }

  async save(token: unknown, change: PreferencesChange, now: Date): Promise<SaveResult> {
    const { deps } = this;
    const read = await this.read(token, now);
    if (!read.ok) return read;
    const { subscriber } = read;
    const current = () => this.view(subscriber, []);
    const version = typeof change.version === 'string' && /^\d{1,15}$/.test(change.version) ? Number(change.version) : -1;
    const name = normaliseName(change.name);
    if (!name.ok) return { ok: false, reason: 'field', field: 'name', message: name.reason, view: current() };
    let ids: string[] = [];
    if (!change.everything) {
      const chosen = readChoices(deps.keys.newsletters, change.newsletters.length === 0 ? [] : change.newsletters);
      if (!chosen.ok && change.newsletters.length > 0) return { ok: false, reason: 'field', field: 'newsletters', message: chosen.message, view: current() };
      ids = chosen.ok ? chosen.ids : [];
    }
    const outcome = await deps.subscribers.updatePreferences(subscriber.id, version, { newsletters: ids, name: name.name }, now);
    deps.log.info('preferences', { subscriber: subscriber.id, outcome, newsletters: ids.length });
    const after = (await deps.subscribers.get(subscriber.id)) ?? subscriber;
    if (outcome === 'missing') return { ok: false, reason: 'missing' };
    if (outcome === 'stale') return { ok: false, reason: 'stale', message: 'These choices were changed since this page was opened, so nothing was saved. Here they are as they stand now.', view: this.view(after, []) };
    if (outcome === 'not-confirmed') {
      return { ok: false, reason: 'not-confirmed', message: 'This address is not subscribed, so there is nothing to change. To subscribe again, use the subscribe form: we send a confirmation link first.', view: this.view(after, []) };
    }
    return { ok: true, outcome: after.state === 'confirmed' ? 'updated' : 'unsubscribed', view: this.view(after, []) };
  }
}
