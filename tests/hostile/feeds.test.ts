import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { afterAll, describe, expect, it } from 'vitest';
import { loadArticles } from '../../functions/core/articles/load.ts';
import { renderAtom } from '../../functions/core/feeds/atom.ts';
import { renderJsonFeed } from '../../functions/core/feeds/json.ts';
import { renderRss } from '../../functions/core/feeds/rss.ts';
import { articleText, contentFile, testSettings } from '../helpers/factories.ts';
import { hostileArticles } from './corpus/index.ts';
import { feedparse, feedparserAvailable } from './feedparser.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
// The whole corpus at once, less the 1 MiB bodies (their rendering is covered in articles.test.ts).
const corpus = hostileArticles().filter((c) => c.file.bytes.length < 256 * 1024);
const settings = testSettings({ feedItems: 1000, title: 'Gazette <b>&</b> "Co"', description: 'News & <i>views</i>', copyright: '© 2026 A&B <Ltd>' });
const loaded = loadArticles([...corpus.map((c) => c.file), contentFile('articles/zz-good.md', articleText({ title: 'Still here' }))], settings, NOW);
const articles = loaded.articles;
const rss = renderRss(settings, articles);
const atom = renderAtom(settings, articles);
const json = renderJsonFeed(settings, articles);
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', parseTagValue: false, isArray: (name) => ['item', 'entry', 'category'].includes(name) });
const UNSAFE = /<script|javascript:|vbscript:|data:text|\son[a-z]+\s*=/i;
const dir = mkdtempSync(join(tmpdir(), 'hostile-feeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the hostile corpus, built at once', () => {
  it('reports each broken article once, by name, and publishes all the others', () => {
    const broken = corpus.filter((c) => c.problem).map((c) => c.file.path);
    expect(loaded.problems.map((p) => p.file).sort()).toEqual(broken.sort());
    expect(articles.map((a) => a.source).sort()).toEqual([...corpus.filter((c) => !c.problem).map((c) => c.file.path), 'articles/zz-good.md'].sort());
  });
});

describe('feeds of the hostile corpus', () => {
  it('RSS is well-formed and read back with every title, id, link and tag exact', () => {
    expect(XMLValidator.validate(rss)).toBe(true);
    const feed = parseRssFeed(rss);
    expect(feed.title).toBe(settings.title);
    expect(feed.items!.map((i) => [i.title, i.guid?.value, i.link])).toEqual(articles.map((a) => [a.title, a.id, a.url]));
    expect(feed.items!.map((i) => i.categories?.map((c) => c.name) ?? [])).toEqual(articles.map((a) => a.tags));
  });

  it('RSS descriptions carry the summary as escaped text: no live markup, and content:encoded is sanitised', () => {
    const items = xml.parse(rss).rss.channel.item as { description?: string; 'content:encoded'?: string }[];
    items.forEach((item, i) => {
      // After one XML decoding the description is HTML; a plain-text summary has no tag in it.
      expect(item.description ?? '').not.toMatch(/</);
      expect(decodeHtmlText(item.description ?? '')).toBe(articles[i]!.summary);
      expect(item['content:encoded'] ?? '').not.toMatch(UNSAFE);
    });
  });

  it('Atom is well-formed: every attribute escaped, titles, summaries and categories exact', () => {
    expect(XMLValidator.validate(atom)).toBe(true);
    const feed = parseAtomFeed(atom);
    expect(feed.entries!.map((e) => [e.id, e.links?.[0]?.href])).toEqual(articles.map((a) => [a.id, a.url]));
    expect(feed.entries!.map((e) => e.categories?.map((c) => c.term) ?? [])).toEqual(articles.map((a) => a.tags));
    const entries = xml.parse(atom).feed.entry as { title: { '#text'?: string }; summary?: { '#text'?: string }; content?: { '#text'?: string } }[];
    entries.forEach((entry, i) => {
      expect(decodeHtmlText(entry.title['#text'] ?? '')).toBe(articles[i]!.title);
      expect(decodeHtmlText(entry.summary?.['#text'] ?? '')).toBe(articles[i]!.summary);
      expect(entry.content?.['#text'] ?? '').not.toMatch(UNSAFE);
    });
  });

  it('JSON Feed parses, and every image is an absolute http(s) URL or absent', () => {
    const doc = JSON.parse(json);
    expect(parseJsonFeed(doc).items).toHaveLength(articles.length);
    for (const item of doc.items) {
      if (item.image !== undefined) expect(new URL(item.image).protocol).toMatch(/^https?:$/);
      expect(item.content_html).not.toMatch(UNSAFE);
    }
    expect(doc.items.map((i: { summary: string }) => i.summary)).toEqual(articles.map((a) => a.summary));
  });

  it.skipIf(!feedparserAvailable)(
    `feedparser reads RSS and Atom with bozo 0 and the exact titles and ids${feedparserAvailable ? '' : ' (skipped: /usr/bin/python3 with feedparser is not installed)'}`,
    () => {
      writeFileSync(join(dir, 'feed.xml'), rss);
      writeFileSync(join(dir, 'atom.xml'), atom);
      const [r, a] = feedparse([join(dir, 'feed.xml'), join(dir, 'atom.xml')]) as [ReturnType<typeof feedparse>[0], ReturnType<typeof feedparse>[0]];
      expect([r.bozo, r.bozo_exception, r.version]).toEqual([false, null, 'rss20']);
      expect([a.bozo, a.bozo_exception, a.version]).toEqual([false, null, 'atom10']);
      expect(r.entries.map((e) => [e.title, e.id, e.link])).toEqual(articles.map((x) => [x.title, x.id, x.url]));
      expect(a.entries.map((e) => [e.id, e.link])).toEqual(articles.map((x) => [x.id, x.url]));
      // Atom titles are type="html": feedparser hands the HTML over, which a reader shows as the title.
      expect(a.entries.map((e) => e.title_type)).toEqual(articles.map(() => 'text/html'));
      expect(r.entries.map((e) => e.tags)).toEqual(articles.map((x) => x.tags));
    },
  );
});

/** What a reader shows for HTML that holds only text and character references. */
function decodeHtmlText(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
