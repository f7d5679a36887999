import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { GENERATOR, newestUpdate, siteChannel, type FeedChannel } from './model.ts';
import { buildXml, plainTextAsHtml, xmlText, type XmlNode } from './xml.ts';

/**
 * Plain text as the RSS Best Practices Profile asks: `&`, `<` and `>` as hexadecimal character
 * references, the form the widest range of aggregators shows literally.
 */
export function rssPlainText(text: string): string {
  return xmlText(text).replace(/&(amp|lt|gt);/g, (_, name: string) => ({ amp: '&#x26;', lt: '&#x3C;', gt: '&#x3E;' })[name]!);
}

// Elements that hold plain text (the rest hold HTML, URLs, dates or codes).
const PLAIN_TEXT = new Set(['title', 'category', 'dc:creator', 'copyright', 'generator']);

/**
 * RSS 2.0 with full content in `content:encoded`, the summary in `description` (HTML, so its text is
 * escaped once more), a permanent `guid isPermaLink="false"`, the first publication time as `pubDate`
 * (RFC 822), the author as `dc:creator` (RSS `author` must be an e-mail address) and an
 * `atom:link rel="self"`. `channel` names a tag's or a newsletter's feed; by default the site's. Written with an XML builder: the `feed` package writes titles as CDATA
 * (the Best Practices Profile asks for character references) and leaves attribute values unescaped.
 */
export function renderRss(settings: Settings, articles: Article[], channel: FeedChannel = siteChannel(settings)): string {
  const item = (article: Article): XmlNode => ({
    title: article.title,
    link: article.url,
    guid: { '@isPermaLink': 'false', '#text': article.id },
    pubDate: article.date.toUTCString(),
    description: plainTextAsHtml(article.summary),
    'content:encoded': article.html,
    category: article.tags,
    'dc:creator': article.author ?? settings.author.name,
  });
  const doc: XmlNode = {
    rss: {
      '@version': '2.0',
      '@xmlns:dc': 'http://purl.org/dc/elements/1.1/',
      '@xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
      '@xmlns:atom': 'http://www.w3.org/2005/Atom',
      channel: {
        title: channel.title,
        link: channel.home,
        description: plainTextAsHtml(channel.description),
        lastBuildDate: newestUpdate(articles).toUTCString(),
        docs: 'https://www.rssboard.org/rss-specification',
        generator: GENERATOR,
        language: settings.language,
        copyright: settings.copyright,
        'atom:link': { '@href': channel.feeds.rss, '@rel': 'self', '@type': 'application/rss+xml' },
        item: articles.map(item),
      },
    },
  };
  return buildXml(doc, (element, value) => (PLAIN_TEXT.has(element) ? rssPlainText(value) : xmlText(value)));
}
