import { escapeHtml } from '../articles/html.ts';
import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { baseItem, cdataSafe, newFeed } from './model.ts';

/**
 * Atom 1.0. The `feed` library marks titles and summaries `type="html"`, so plain text is
 * HTML-escaped first: a title "A & <B>" reaches the reader as exactly that text.
 */
export function renderAtom(settings: Settings, articles: Article[]): string {
  const feed = newFeed(settings, articles);
  for (const article of articles) {
    feed.addItem({
      ...baseItem(article),
      title: cdataSafe(escapeHtml(article.title)),
      description: cdataSafe(escapeHtml(article.summary)),
      content: cdataSafe(article.html),
      author: [{ name: article.author ?? settings.author.name }],
      category: article.tags.map((term) => ({ term })),
    });
  }
  return feed.atom1();
}
