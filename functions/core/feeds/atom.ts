import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { GENERATOR, newestUpdate, siteChannel, type FeedChannel } from './model.ts';
import { buildXml, plainTextAsHtml, type XmlNode } from './xml.ts';

/**
 * Atom 1.0. Titles and summaries are plain text sent as `type="html"`, so they are HTML-escaped
 * first: a title "A & <B>" reaches the reader as exactly that text. Written with an XML builder:
 * the `feed` package escapes only `&` in attribute values (a tag `a<b` made the document not
 * well-formed) and refuses ids that are not URLs.
 */
export function renderAtom(settings: Settings, articles: Article[], channel: FeedChannel = siteChannel(settings)): string {
  const person = (name: string): XmlNode => ({ name });
  const entry = (article: Article): XmlNode => ({
    title: { '@type': 'html', '#text': plainTextAsHtml(article.title) },
    id: article.id,
    link: { '@rel': 'alternate', '@type': 'text/html', '@href': article.url },
    updated: article.updated.toISOString(),
    published: article.date.toISOString(),
    // Atom asks for neither to be blank: an empty body has the alternate link only.
    ...(article.summary ? { summary: { '@type': 'html', '#text': plainTextAsHtml(article.summary) } } : {}),
    ...(article.html ? { content: { '@type': 'html', '#text': article.html } } : {}),
    author: person(article.author ?? settings.author.name),
    category: article.tags.map((term) => ({ '@term': term })),
  });
  const author: XmlNode = {
    name: settings.author.name,
    ...(settings.author.email ? { email: settings.author.email } : {}),
    uri: settings.siteUrl,
  };
  const doc: XmlNode = {
    feed: {
      '@xmlns': 'http://www.w3.org/2005/Atom',
      '@xml:lang': settings.language,
      id: channel.home,
      title: channel.title,
      subtitle: channel.description,
      updated: newestUpdate(articles).toISOString(),
      generator: GENERATOR,
      author,
      link: [
        { '@rel': 'alternate', '@type': 'text/html', '@href': channel.home },
        { '@rel': 'self', '@type': 'application/atom+xml', '@href': channel.feeds.atom },
      ],
      rights: settings.copyright,
      entry: articles.map(entry),
    },
  };
  return buildXml(doc);
}
