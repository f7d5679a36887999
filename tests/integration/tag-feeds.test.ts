import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { beforeAll, describe, expect, it } from 'vitest';
import { feedvalidatorAvailable, validateFeeds } from '../helpers/feedvalidator.ts';
import { runCli, tempDir, tempTree } from '../helpers/cli.ts';
import { select } from '../helpers/html.ts';
import { taggedContent } from '../helpers/site-content.ts';
import { feedparse, feedparserAvailable } from '../hostile/feedparser.ts';

const SITE = 'https://gazette.example.org/news/';
// A tag of every kind: many articles (more than a feed carries), Unicode, `&`, hostile, merged spellings, one article;
// the newsletter of everything, and one of a tag (its settings give it no description).
const FOLDERS = ['tags/economy/', 'tags/北朝鮮/', 'tags/q-a/', 'tags/etc-passwd/', 'tags/north-korea/', 'tags/only-seven/', 'newsletters/digest/', 'newsletters/economy/'];
const files = taggedContent(320);
let out: string;

/** What the content says each tag folder should list, newest first: ids from the articles' files. */
function expectedIds(folder: string): string[] {
  const stems = Object.entries(files)
    .filter(([path]) => path.startsWith('articles/'))
    .filter(([, text]) => {
      const tags = /tags:\n((?:\s+- .*\n)+)/.exec(text)?.[1] ?? '';
      if (folder === 'newsletters/digest/') return true;
      const wanted = { 'tags/economy/': ['Economy'], 'newsletters/economy/': ['Economy'], 'tags/北朝鮮/': ['北朝鮮'], 'tags/q-a/': ['Q&A'], 'tags/etc-passwd/': ['../../etc/passwd'], 'tags/north-korea/': ['North Korea', 'north-korea'], 'tags/only-seven/': ['Only seven'] }[folder]!;
      return wanted.some((tag) => tags.split('\n').some((line) => line.replace(/^\s+- /, '').replace(/^["']|["']$/g, '') === tag));
    })
    .map(([path, text]) => ({ stem: path.slice('articles/'.length, -'.md'.length), date: /date: (\S+)/.exec(text)![1]! }))
    .sort((a, b) => (a.date < b.date ? 1 : -1));
  return stems.slice(0, 50).map((s) => `tag:gazette.example.org,${s.date.slice(0, 10)}:${s.stem}`);
}

beforeAll(() => {
  out = tempDir();
  const run = runCli(['build', '--content', tempTree(files), '--out', out]);
  expect(run.status, run.stderr).toBe(0);
});

describe('a feed per tag and per newsletter', () => {
  it.each(FOLDERS)('%s: RSS, Atom and JSON Feed carry its newest 50 with tag-URI ids, and its page links them', (folder) => {
    const read = (name: string) => readFileSync(join(out, folder, name), 'utf8');
    const ids = expectedIds(folder);
    expect(ids.length).toBeGreaterThan(0);
    const home = new URL(`${folder}index.html`, SITE).href;
    const rss = parseRssFeed(read('feed.xml'));
    const atom = parseAtomFeed(read('atom.xml'));
    const json = parseJsonFeed(JSON.parse(read('feed.json')));
    expect(rss.items!.map((i) => i.guid?.value)).toEqual(ids);
    expect(atom.entries!.map((e) => e.id)).toEqual(ids);
    expect(json.items!.map((i) => i.id)).toEqual(ids);
    expect([rss.link, atom.id, json.home_page_url]).toEqual([home, home, home]);
    expect(atom.links!.find((l) => l.rel === 'self')?.href).toBe(new URL(`${folder}atom.xml`, SITE).href);
    expect(json.feed_url).toBe(new URL(`${folder}feed.json`, SITE).href);
    expect(JSON.parse(read('feed.json')).version).toBe('https://jsonfeed.org/version/1.1');
    for (const item of json.items!) expect(item.content_html).toContain('begins with');
    const page = readFileSync(join(out, folder, 'index.html'), 'utf8');
    expect(select(page, 'link', { rel: 'alternate' }).map((l) => [l.attribs.type, l.attribs.href])).toEqual([
      ['application/rss+xml', new URL(`${folder}feed.xml`, SITE).href],
      ['application/atom+xml', new URL(`${folder}atom.xml`, SITE).href],
      ['application/feed+json', new URL(`${folder}feed.json`, SITE).href],
    ]);
  });

  it.skipIf(!feedparserAvailable)(`feedparser reads every tag feed with bozo 0 and the exact ids, links and titles${feedparserAvailable ? '' : ' (skipped: no /usr/bin/python3 with feedparser)'}`, () => {
    const paths = FOLDERS.flatMap((folder) => ['feed.xml', 'atom.xml'].map((name) => join(out, folder, name)));
    const parsed = feedparse(paths);
    parsed.forEach((feed, i) => {
      expect([paths[i], feed.bozo, feed.bozo_exception]).toEqual([paths[i], false, null]);
      const folder = FOLDERS[Math.floor(i / 2)]!;
      expect(feed.entries.map((e) => e.id)).toEqual(expectedIds(folder));
      for (const entry of feed.entries) {
        expect(entry.link).toMatch(/^https:\/\/gazette\.example\.org\/news\/articles\/story-\d+(-[a-z0-9-]+)?\.html$/);
        expect(entry.title).toMatch(/^Story \d+: “/);
      }
    });
  });

  it.skipIf(!feedvalidatorAvailable)(`the W3C feed validator finds no error in any of them${feedvalidatorAvailable ? '' : ' (skipped: set FEEDVALIDATOR_SRC to a w3c/feedvalidator checkout\'s src/)'}`, () => {
    const feeds = FOLDERS.flatMap((folder) => ['feed.xml', 'atom.xml'].map((name) => ({ path: join(out, folder, name), url: new URL(`${folder}${name}`, SITE).href })));
    const results = validateFeeds(feeds);
    expect(results.map((r, i) => [feeds[i]!.url, r.errors])).toEqual(feeds.map((f) => [f.url, []]));
    // The one warning: a channel description with `&` (the tag "Q&A") is escaped as HTML, which the validator flags.
    expect(results.flatMap((r) => r.warnings).filter((w) => !/description should not contain HTML/.test(w))).toEqual([]);
  });
});
