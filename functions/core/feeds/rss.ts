import { randomUUID } from 'node:crypto';
import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { baseItem, cdataSafe, newFeed } from './model.ts';

/**
 * Plain text as the RSS Best Practices Profile asks: `&`, `<` and `>` as hexadecimal character
 * references, the form the widest range of aggregators shows literally.
 */
export function rssPlainText(text: string): string {
  return text.replace(/[&<>]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
}

/**
 * RSS 2.0 with full content in `content:encoded`, the summary in `description`, a permanent
 * `guid isPermaLink="false"`, the first publication time as `pubDate` (RFC 822), the author as
 * `dc:creator` (RSS `author` must be an e-mail address) and an `atom:link rel="self"`.
 * Item titles are plain text: the `feed` library wraps them in CDATA, so each is written through a
 * placeholder and replaced by its character-reference form.
 */
export function renderRss(settings: Settings, articles: Article[]): string {
  const feed = newFeed(settings, articles, { feed: undefined, docs: 'https://www.rssboard.org/rss-specification' });
  const nonce = randomUUID();
  const placeholder = (i: number) => `rss-title-${nonce}-${i}`;
  articles.forEach((article, i) => {
    feed.addItem({
      ...baseItem(article),
      title: placeholder(i),
      description: cdataSafe(article.summary),
      content: cdataSafe(article.html),
      category: article.tags.map((name) => ({ name })),
      extensions: [{ name: 'dc:creator', objects: { _text: article.author ?? settings.author.name } }],
    });
  });
  return feed
    .rss2()
    .replace(new RegExp(`<title><!\\[CDATA\\[rss-title-${nonce}-(\\d+)\\]\\]></title>`, 'g'), (_, i: string) => {
      return `<title>${rssPlainText(articles[Number(i)]!.title)}</title>`;
    });
}
