import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { feedUrls } from '../urls.ts';
import { baseItem, newFeed } from './model.ts';

interface JsonFeedItem {
  id: string;
  url?: string;
  title?: string;
  content_html?: string;
  summary?: string;
  image?: string;
  date_published?: string;
  date_modified?: string;
  authors?: { name: string }[];
  author?: { name: string };
  tags?: string[];
  language?: string;
}

/**
 * JSON Feed 1.1. The `feed` library writes version 1 and drops `date_published` unless told; this sets
 * the 1.1 version URL, `language`, `authors` (keeping the 1.0 `author` for older readers),
 * `date_published` always and `date_modified` only when the article was updated.
 */
export function renderJsonFeed(settings: Settings, articles: Article[]): string {
  const feed = newFeed(settings, articles);
  for (const article of articles) {
    feed.addItem({ ...baseItem(article), description: article.summary, content: article.html });
  }
  const doc = JSON.parse(feed.json1()) as Record<string, unknown> & { items: JsonFeedItem[] };
  const author = { name: settings.author.name, url: settings.siteUrl };
  const byId = new Map(articles.map((a) => [a.id, a]));
  const items = doc.items.map((item): JsonFeedItem => {
    const article = byId.get(item.id)!;
    const name = article.author ?? settings.author.name;
    const out: JsonFeedItem = {
      id: article.id,
      url: article.url,
      title: article.title,
      content_html: article.html,
      summary: article.summary,
      date_published: article.date.toISOString(),
    };
    if (article.updated.getTime() !== article.date.getTime()) out.date_modified = article.updated.toISOString();
    if (article.image) out.image = article.image;
    out.authors = [{ name }];
    out.author = { name };
    if (article.tags.length > 0) out.tags = article.tags;
    return out;
  });
  const result = {
    version: 'https://jsonfeed.org/version/1.1',
    title: doc.title,
    home_page_url: settings.siteUrl,
    feed_url: feedUrls(settings.siteUrl).json,
    description: settings.description,
    language: settings.language,
    authors: [author],
    author,
    items,
  };
  return `${JSON.stringify(result, null, 2)}\n`;
}
