import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { feedUrls } from '../urls.ts';

/** The newest instant in a list of articles: the feeds' `updated`/`lastBuildDate`, stable between builds. */
export function newestUpdate(articles: Article[]): Date {
  let newest = 0;
  for (const a of articles) newest = Math.max(newest, a.updated.getTime());
  return new Date(newest || Date.UTC(2000, 0, 1));
}

/** The generator every format names. */
export const GENERATOR = 'newsletter-publisher';

/** What a feed says about itself: the site's own feeds, or a tag's or a newsletter's. */
export interface FeedChannel {
  title: string;
  description: string;
  /** Absolute URL of the page the feed follows (its `link`; the Atom feed's id). */
  home: string;
  /** Absolute URLs of the three feeds (each names itself). */
  feeds: { rss: string; atom: string; json: string };
}

const channels = new WeakMap<Settings, FeedChannel>();

/** The site's own feeds: every article, at the site's root. One object per settings object (pages ask for it per page). */
export function siteChannel(settings: Settings): FeedChannel {
  let channel = channels.get(settings);
  if (!channel) channels.set(settings, (channel = { title: settings.title, description: settings.description, home: settings.siteUrl, feeds: feedUrls(settings.siteUrl) }));
  return channel;
}
