import type { Settings } from '../settings.ts';

/**
 * One newsletter a reader can choose. Every part of the product that asks "which newsletters are
 * there, and does this one carry that article?" asks here.
 */
export interface Newsletter {
  /** Stable id (`[a-z0-9-]+`), stored with each subscriber's choices; never renamed. */
  id: string;
  name: string;
  description: string;
  /** Ticked for a new subscriber who makes no choice. */
  default: boolean;
  /** Carries articles with any of these tags; empty means every article. */
  tags: string[];
  /** Never carries articles with any of these tags. */
  excludeTags: string[];
  /** When its issues go out (cron in an IANA time zone). */
  schedule: { cron: string; timezone: string };
  /** Its `List-Id`: also what its issues and watermark are kept under. */
  listId: string;
  mode: 'summary' | 'full';
  /** Subject template (`{{lead}}`, `{{more}}`, `{{count}}`, `{{publication}}`). */
  subject: string;
  from: string;
  replyTo: string | undefined;
  maxArticles: number;
  lookbackDays: number;
  /** What `{{name}}` becomes for a subscriber without a name. */
  nameFallback: string;
}

/** The id the single legacy `digest:` newsletter has, so data stored before newsletters needs no change. */
export const LEGACY_NEWSLETTER_ID = 'digest';

/** The publication's newsletters, in the order readers see them (a single `digest:` is one, `digest`). */
export function newslettersOf(settings: Settings): Newsletter[] {
  const { digest } = settings;
  if (!settings.newsletters) {
    return [
      {
        id: LEGACY_NEWSLETTER_ID,
        name: settings.title,
        description: settings.description,
        default: true,
        tags: [],
        excludeTags: [],
        schedule: digest.schedule,
        listId: digest.listId,
        mode: digest.mode,
        subject: digest.subject,
        from: digest.from,
        replyTo: digest.replyTo,
        maxArticles: digest.maxArticles,
        lookbackDays: digest.lookbackDays,
        nameFallback: digest.nameFallback,
      },
    ];
  }
  return settings.newsletters.map((n) => ({
    id: n.id,
    name: n.name,
    description: n.description,
    default: n.default,
    tags: n.tags,
    excludeTags: n.excludeTags,
    schedule: n.schedule,
    listId: n.listId,
    mode: n.mode ?? digest.mode,
    subject: n.subject ?? digest.subject,
    from: n.from ?? digest.from,
    replyTo: n.replyTo ?? (n.from ? undefined : digest.replyTo),
    maxArticles: n.maxArticles ?? digest.maxArticles,
    lookbackDays: n.lookbackDays ?? digest.lookbackDays,
    nameFallback: n.nameFallback ?? digest.nameFallback,
  }));
}

/** The newsletter with this id, or undefined. */
export function newsletterById(settings: Settings, id: string): Newsletter | undefined {
  return newslettersOf(settings).find((n) => n.id === id);
}

/** The ids a new subscriber who chooses nothing is given: those marked `default` (none marked: the first). */
export function defaultIds(newsletters: readonly Newsletter[]): string[] {
  const defaults = newsletters.filter((n) => n.default).map((n) => n.id);
  return defaults.length > 0 ? defaults : [newsletters[0]!.id];
}

/**
 * The settings as one newsletter sees them: its schedule, list id, subject, mode, sender and limits in
 * `digest`, so the renderer, the message builder and the delivery worker (which read `digest`) serve it.
 */
export function settingsFor(settings: Settings, newsletter: Newsletter): Settings {
  return {
    ...settings,
    digest: {
      ...settings.digest,
      schedule: newsletter.schedule,
      listId: newsletter.listId,
      mode: newsletter.mode,
      subject: newsletter.subject,
      from: newsletter.from,
      replyTo: newsletter.replyTo,
      maxArticles: newsletter.maxArticles,
      lookbackDays: newsletter.lookbackDays,
      nameFallback: newsletter.nameFallback,
    },
  };
}

/** Whether a newsletter carries an article with these tags (tags compare case-insensitively). */
export function carries(newsletter: Pick<Newsletter, 'tags' | 'excludeTags'>, article: { tags: readonly string[] }): boolean {
  const tags = new Set(article.tags.map((tag) => tag.toLowerCase()));
  if (newsletter.excludeTags.some((tag) => tags.has(tag.toLowerCase()))) return false;
  return newsletter.tags.length === 0 || newsletter.tags.some((tag) => tags.has(tag.toLowerCase()));
}
