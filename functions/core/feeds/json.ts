import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { siteChannel, type FeedChannel } from './model.ts';

interface JsonFeedAuthor {
  name: string;
  url?: string;
}

interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  content_html: string;
  summary: string;
  image?: string;
  date_published: string;
  date_modified?: string;
  authors: JsonFeedAuthor[];
  /** JSON Feed 1.0, for older readers. */
  author: JsonFeedAuthor;
  tags?: string[];
}

/**
 * JSON Feed 1.1, written with JSON.stringify: the `feed` package writes version 1 and drops
 * `date_published` and `language`. `authors` with the 1.0 `author` kept for older readers,
 * `date_published` always, `date_modified` only when the article was updated. `channel` names a
 * tag's or a newsletter's feed; by default the site's.
 */
export function renderJsonFeed(settings: Settings, articles: Article[], channel: FeedChannel = siteChannel(settings)): string {
  const item = (article: Article): JsonFeedItem => {
    const author = { name: article.author ?? settings.author.name };
    return {
      id: article.id,
      url: article.url,
      title: article.title,
      content_html: article.html,
      summary: article.summary,
      ...(article.image ? { image: article.image } : {}),
      date_published: article.date.toISOString(),
      ...(article.updated.getTime() !== article.date.getTime() ? { date_modified: article.updated.toISOString() } : {}),
      authors: [author],
      author,
      ...(article.tags.length > 0 ? { tags: article.tags } : {}),
    };
  };
  const author = { name: settings.author.name, url: settings.siteUrl };
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: channel.title,
    home_page_url: channel.home,
    feed_url: channel.feeds.json,
    description: channel.description,
    language: settings.language,
    authors: [author],
    author,
    items: articles.map(item),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
