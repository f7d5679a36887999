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
}

/** The id the single legacy `digest:` newsletter has, so data stored before newsletters needs no change. */
export const LEGACY_NEWSLETTER_ID = 'digest';

/** The publication's newsletters, in the order readers see them. */
export function newslettersOf(settings: Settings): Newsletter[] {
  return [
    {
      id: LEGACY_NEWSLETTER_ID,
      name: settings.title,
      description: settings.description,
      default: true,
      tags: [],
      excludeTags: [],
    },
  ];
}

/** Whether a newsletter carries an article with these tags (tags compare case-insensitively). */
export function carries(newsletter: Pick<Newsletter, 'tags' | 'excludeTags'>, article: { tags: readonly string[] }): boolean {
  const tags = new Set(article.tags.map((tag) => tag.toLowerCase()));
  if (newsletter.excludeTags.some((tag) => tags.has(tag.toLowerCase()))) return false;
  return newsletter.tags.length === 0 || newsletter.tags.some((tag) => tags.has(tag.toLowerCase()));
}
