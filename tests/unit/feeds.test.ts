import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { loadArticles } from '../../functions/core/articles/load.ts';
import { renderAtom } from '../../functions/core/feeds/atom.ts';
import { renderJsonFeed } from '../../functions/core/feeds/json.ts';
import { renderRss } from '../../functions/core/feeds/rss.ts';
import { articleText, contentFile, testSettings } from '../helpers/factories.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
const settings = testSettings();
const TRICKY_TITLE = 'Tom & Jerry <b>not bold</b> ]]> and ]]> again';

function articles() {
  return loadArticles(
    [
      contentFile(
        'articles/tricky.md',
        articleText(
          { title: TRICKY_TITLE, date: '2024-11-21T10:00:00+01:00', updated: '2024-11-22T08:30:00Z', author: 'Jane Doe', tags: ['politics', 'Q&A'], image: '/img/lead.jpg' },
          'Opening with a [relative link](../about.html) and ![a map](map.png) and ]]> text.\n\n## Sub\n\nMore.\n',
        ),
      ),
      contentFile('articles/plain.md', articleText({ title: 'Plain', date: '2024-11-19T10:00:00Z', summary: 'Given summary.' })),
    ],
    settings,
    NOW,
  ).articles;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', cdataPropName: false as never, parseTagValue: false });

describe('RSS 2.0', () => {
  const text = renderRss(settings, articles());

  it('is well-formed XML that a feed parser reads back exactly', () => {
    expect(XMLValidator.validate(text)).toBe(true);
    const feed = parseRssFeed(text);
    expect(feed.title).toBe('The Test Gazette');
    expect(feed.link).toBe('https://gazette.example.org/news/');
    expect(feed.language).toBe('en-GB');
    const [item, second] = feed.items!;
    expect(item!.title).toBe(TRICKY_TITLE);
    expect(item!.link).toBe('https://gazette.example.org/news/articles/tom-jerry-b-not-bold-b-and-again.html');
    expect(item!.guid).toEqual({ value: 'tag:gazette.example.org,2024-11-21:tricky', isPermaLink: false });
    expect(item!.pubDate).toBe('Thu, 21 Nov 2024 09:00:00 GMT');
    expect(item!.dc?.creators).toEqual(['Jane Doe']);
    expect(item!.categories?.map((c) => c.name)).toEqual(['politics', 'Q&A']);
    expect(item!.description).toBe('Opening with a relative link and and ]]> text.');
    expect(item!.content?.encoded).toContain('<a href="https://gazette.example.org/news/about.html">relative link</a>');
    expect(item!.content?.encoded).toContain('src="https://gazette.example.org/news/articles/map.png"');
    expect(item!.content?.encoded).toContain('<h2>Sub</h2>');
    expect(second!.description).toBe('Given summary.');
    expect(second!.dc?.creators).toEqual(['Gazette Desk']);
  });

  it('writes plain-text titles as character references, never as CDATA markup', () => {
    expect(text).toContain('<title>Tom &#x26; Jerry &#x3C;b&#x3E;not bold&#x3C;/b&#x3E; ]]&#x3E; and ]]&#x3E; again</title>');
  });

  it('has a self link, RFC 822 dates and a lastBuildDate from the newest edit (stable between builds)', () => {
    const doc = xml.parse(text);
    const channel = doc.rss.channel;
    expect(doc.rss['@version']).toBe('2.0');
    expect(channel['atom:link']).toMatchObject({ '@href': 'https://gazette.example.org/news/feed.xml', '@rel': 'self', '@type': 'application/rss+xml' });
    expect(channel.lastBuildDate).toBe('Fri, 22 Nov 2024 08:30:00 GMT');
    expect(renderRss(settings, articles())).toBe(text);
  });
});

describe('Atom 1.0', () => {
  const text = renderAtom(settings, articles());

  it('is read back exactly: text titles, ids, links, dates, authors, categories', () => {
    expect(XMLValidator.validate(text)).toBe(true);
    const feed = parseAtomFeed(text);
    expect(feed.id).toBe('https://gazette.example.org/news/');
    expect(feed.updated).toBe('2024-11-22T08:30:00.000Z');
    expect(feed.links).toEqual(expect.arrayContaining([
      expect.objectContaining({ rel: 'self', href: 'https://gazette.example.org/news/atom.xml' }),
      expect.objectContaining({ rel: 'alternate', href: 'https://gazette.example.org/news/' }),
    ]));
    const [entry] = feed.entries!;
    expect(entry!.id).toBe('tag:gazette.example.org,2024-11-21:tricky');
    expect(entry!.published).toBe('2024-11-21T09:00:00.000Z');
    expect(entry!.updated).toBe('2024-11-22T08:30:00.000Z');
    expect(entry!.authors).toEqual([{ name: 'Jane Doe' }]);
    expect(entry!.categories?.map((c) => c.term)).toEqual(['politics', 'Q&A']);
    expect(entry!.content).toMatchObject({ type: 'html' });
  });

  it('a title with & and < reaches the reader as those characters', () => {
    const doc = xml.parse(text);
    const title = doc.feed.entry[0].title;
    expect(title['@type']).toBe('html');
    // type="html": the reader HTML-decodes the XML text; the result must be the literal title.
    const decoded = String(title['#text']).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    expect(decoded).toBe(TRICKY_TITLE);
  });
});

describe('JSON Feed 1.1', () => {
  const text = renderJsonFeed(settings, articles());
  const doc = JSON.parse(text);

  it('declares version 1.1 and the top-level fields the spec names', () => {
    expect(doc.version).toBe('https://jsonfeed.org/version/1.1');
    expect(doc.title).toBe('The Test Gazette');
    expect(doc.home_page_url).toBe('https://gazette.example.org/news/');
    expect(doc.feed_url).toBe('https://gazette.example.org/news/feed.json');
    expect(doc.language).toBe('en-GB');
    expect(doc.authors).toEqual([{ name: 'Gazette Desk', url: 'https://gazette.example.org/news/' }]);
    expect(parseJsonFeed(doc).items).toHaveLength(2);
  });

  it('gives every item a string id, content_html, summary, RFC 3339 dates and authors', () => {
    const [item, plain] = doc.items;
    expect(item).toMatchObject({
      id: 'tag:gazette.example.org,2024-11-21:tricky',
      url: 'https://gazette.example.org/news/articles/tom-jerry-b-not-bold-b-and-again.html',
      title: TRICKY_TITLE,
      summary: 'Opening with a relative link and and ]]> text.',
      date_published: '2024-11-21T09:00:00.000Z',
      date_modified: '2024-11-22T08:30:00.000Z',
      image: 'https://gazette.example.org/img/lead.jpg',
      authors: [{ name: 'Jane Doe' }],
      tags: ['politics', 'Q&A'],
    });
    expect(item.content_html).toContain('<h2>Sub</h2>');
    expect(plain.date_published).toBe('2024-11-19T10:00:00.000Z');
    expect(plain).not.toHaveProperty('date_modified');
    for (const it of doc.items) {
      expect(typeof it.id).toBe('string');
      expect(it.date_published).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
      expect(new URL(it.url).protocol).toBe('https:');
    }
  });
});

describe('every format', () => {
  it('carries the same ids, so a reader never shows an item twice after an edit', () => {
    const list = articles();
    const rss = parseRssFeed(renderRss(settings, list)).items!.map((i) => i.guid?.value);
    const atom = parseAtomFeed(renderAtom(settings, list)).entries!.map((e) => e.id);
    const json = JSON.parse(renderJsonFeed(settings, list)).items.map((i: { id: string }) => i.id);
    expect(rss).toEqual(list.map((a) => a.id));
    expect(atom).toEqual(rss);
    expect(json).toEqual(rss);
  });

  it('an empty list still gives valid feeds', () => {
    expect(XMLValidator.validate(renderRss(settings, []))).toBe(true);
    expect(XMLValidator.validate(renderAtom(settings, []))).toBe(true);
    expect(JSON.parse(renderJsonFeed(settings, [])).items).toEqual([]);
  });
});
