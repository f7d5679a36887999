import { Feed, type FeedOptions, type Item } from 'feed';
import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { feedUrls } from '../urls.ts';

/**
 * The `feed` library writes text it is given into CDATA sections but only splits the first `]]>`
 * (in xml-js). Splitting every later one ourselves keeps any text intact: the library's own split
 * still finds the first occurrence, which comes before all of ours.
 */
export function cdataSafe(text: string): string {
  const first = text.indexOf(']]>');
  if (first === -1) return text;
  const head = text.slice(0, first + 3);
  return head + text.slice(first + 3).replaceAll(']]>', ']]]]><![CDATA[>');
}

/** The newest instant in a list of articles: the feeds' `updated`/`lastBuildDate`, stable between builds. */
export function newestUpdate(articles: Article[]): Date {
  let newest = 0;
  for (const a of articles) newest = Math.max(newest, a.updated.getTime());
  return new Date(newest || Date.UTC(2000, 0, 1));
}

/** A `feed` instance with the channel-level fields every format shares; items are added by each format. */
export function newFeed(settings: Settings, articles: Article[], overrides: Partial<FeedOptions> = {}): Feed {
  const urls = feedUrls(settings.siteUrl);
  return new Feed({
    id: settings.siteUrl,
    title: settings.title,
    description: settings.description,
    link: settings.siteUrl,
    language: settings.language,
    copyright: settings.copyright,
    updated: newestUpdate(articles),
    generator: 'newsletter-publisher',
    feedLinks: { rss: urls.rss, atom: urls.atom, json: urls.json },
    author: { name: settings.author.name, ...(settings.author.email ? { email: settings.author.email } : {}), link: settings.siteUrl },
    ...overrides,
  });
}

/** The fields of a feed item that mean the same in every format. */
export function baseItem(article: Article): Item {
  return {
    title: article.title,
    id: article.id,
    link: article.url,
    date: article.updated,
    published: article.date,
  };
}
