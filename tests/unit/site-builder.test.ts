import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import type { SiteOutput } from '../../functions/core/ports.ts';
import { buildSite, SiteBuilder, type BuildDeps } from '../../functions/core/site/build.ts';
import { MANIFEST_STATE, parseManifest, publishedArticleIds, readSiteManifest, rebuildDue } from '../../functions/core/site/manifest.ts';
import { ROOT } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { MemoryContent, memoryLogger } from '../helpers/memory.ts';

/** A site output that keeps files and state in memory and counts what it is asked to do. */
class FakeSite implements SiteOutput {
  readonly files = new Map<string, string>();
  readonly state = new Map<string, Uint8Array>();
  writes: string[] = [];
  removes: string[] = [];
  async write(path: string, body: string | Uint8Array) {
    this.writes.push(path);
    this.files.set(path, typeof body === 'string' ? body : new TextDecoder().decode(body));
  }
  async remove(path: string) {
    this.removes.push(path);
    this.files.delete(path);
  }
  async existing() {
    return new Set(this.files.keys());
  }
  async loadState(name: string) {
    return this.state.get(name);
  }
  saves: string[] = [];
  async saveState(name: string, body: Uint8Array) {
    this.saves.push(name);
    this.state.set(name, body);
  }
  reset(): this {
    this.writes = [];
    this.removes = [];
    this.saves = [];
    return this;
  }
}

function templatesWith(overrides: Record<string, string> = {}) {
  return { load: async (name: string) => overrides[name] ?? readFileSync(join(ROOT, 'templates', name), 'utf8') };
}

function site(options: { codeVersion?: string; templates?: Record<string, string> } = {}) {
  const content = new MemoryContent().add('publication.yaml', settingsYaml({ feedItems: 2 }));
  const output = new FakeSite();
  const deps = (): BuildDeps => ({ content, output, templates: templatesWith(options.templates), log: memoryLogger(), codeVersion: options.codeVersion });
  return { content, output, deps, builder: new SiteBuilder(deps()) };
}

const T0 = new Date('2025-03-01T00:00:00Z');

describe('a site rebuilt by one SiteBuilder', () => {
  it('parses and writes only what changed, and removes the page of a deleted article', async () => {
    const { content, output, builder } = site();
    content.add('articles/a.md', articleText({ title: 'Alpha', date: '2025-01-01T00:00:00Z' }));
    content.add('articles/b.md', articleText({ title: 'Beta', date: '2025-01-02T00:00:00Z' }));
    content.add('articles/c.md', articleText({ title: 'Gamma', date: '2025-01-03T00:00:00Z' }));
    const first = await builder.build(T0);
    expect(first.parsed).toBe(3);
    expect(output.writes).toContain('articles/alpha.html');

    const again = await builder.build(T0);
    expect(again.parsed).toBe(0);
    expect(output.reset().writes).toEqual([]);
    expect(again.written).toEqual([]);

    content.add('articles/a.md', articleText({ title: 'Alpha', date: '2025-01-01T00:00:00Z' }, 'Edited first paragraph.\n'));
    const edited = await builder.build(T0);
    expect(edited.parsed).toBe(1);
    // Alpha is not in the two-item feeds, so they keep their bytes; its page and the lists that show it change.
    expect(output.writes.filter((p) => !p.startsWith('issues/')).sort()).toEqual(['articles/alpha.html', 'index.html', 'newsletters/digest/index.html']);
    expect(output.files.get('articles/alpha.html')).toContain('Edited first paragraph.');

    content.files.delete('articles/c.md');
    const deleted = await builder.build(T0);
    expect(output.removes).toEqual(['articles/gamma.html']);
    expect(deleted.removed).toEqual(['articles/gamma.html']);
    // Alpha moved into the feeds: its body came back from its file, as the cache keeps bodies only for feed items.
    const feed = parseJsonFeed(JSON.parse(output.files.get('feed.json')!));
    expect(feed.items!.map((i) => [i.title, i.content_html?.includes('Edited first paragraph.')])).toEqual([
      ['Beta', false],
      ['Alpha', true],
    ]);
  });

  it('never removes what it did not write: files of other writers, issue pages, odd paths in a doctored manifest', async () => {
    const { content, output, builder } = site();
    content.add('articles/a.md', articleText({ title: 'Alpha', date: '2025-01-01T00:00:00Z' }));
    await builder.build(T0);
    output.files.set('issues/2025-01-06T0700Z.html', 'written by the sender');
    output.files.set('articles/by-hand.html', 'written by a person');
    const manifest = parseManifest(output.state.get(MANIFEST_STATE))!;
    manifest.files['robots.txt'] = 'x';
    manifest.files['articles/by-hand.html'] = 'x';
    output.state.set(MANIFEST_STATE, new TextEncoder().encode(JSON.stringify({ ...manifest, files: { ...manifest.files, 'issues/2025-01-06T0700Z.html': 'x' } })));
    output.files.set('robots.txt', 'User-agent: *');
    content.files.delete('articles/a.md');
    await new SiteBuilder({ content, output, templates: templatesWith(), log: memoryLogger() }).build(T0);
    expect(output.removes.sort()).toEqual(['articles/alpha.html', 'articles/by-hand.html']);
    expect(output.files.get('issues/2025-01-06T0700Z.html')).toBe('written by the sender');
    expect(output.files.get('robots.txt')).toBe('User-agent: *');
  });

  it('a manifest it cannot read is no manifest: everything is written, nothing removed', async () => {
    const { content, output, deps } = site();
    content.add('articles/a.md', articleText({ title: 'Alpha', date: '2025-01-01T00:00:00Z' }));
    output.state.set(MANIFEST_STATE, new TextEncoder().encode('{"format":1,"files":{"../../etc/passwd":"x"'));
    output.files.set('articles/old.html', 'from an older build');
    await new SiteBuilder(deps()).build(T0);
    expect(output.writes).toContain('articles/alpha.html');
    expect(output.removes).toEqual([]);
    expect(parseManifest(output.state.get(MANIFEST_STATE))).toBeDefined();
  });

  it('runs builds asked for at once one after the other', async () => {
    const { content, output, builder } = site();
    content.add('articles/a.md', articleText({ title: 'Alpha', date: '2025-01-01T00:00:00Z' }));
    const [first, second] = await Promise.all([builder.build(T0), builder.build(T0)]);
    expect(first.parsed).toBe(1);
    expect(second.parsed).toBe(0);
    expect(output.writes.filter((p) => p === 'articles/alpha.html')).toHaveLength(1);
  });

  it('rewrites a page that was deleted by hand', async () => {
    const { content, output, builder } = site();
    content.add('articles/a.md', articleText({ title: 'Alpha', date: '2025-01-01T00:00:00Z' }));
    await builder.build(T0);
    output.files.delete('articles/alpha.html');
    output.reset();
    await builder.build(T0);
    expect(output.writes).toEqual(['articles/alpha.html']);
  });

  it('gives a slug to the first file in path order, whichever was added first, and hands it on when that file goes', async () => {
    const { content, output, builder } = site();
    content.add('articles/m.md', articleText({ title: 'Same', slug: 'same', date: '2025-01-01T00:00:00Z' }, 'From m.\n'));
    await builder.build(T0);
    content.add('articles/z.md', articleText({ title: 'Same', slug: 'same', date: '2025-01-02T00:00:00Z' }, 'From z.\n'));
    content.add('articles/a.md', articleText({ title: 'Same', slug: 'same', date: '2025-01-03T00:00:00Z' }, 'From a.\n'));
    const report = await builder.build(T0);
    expect(report.problems.map((p) => p.file).sort()).toEqual(['articles/m.md', 'articles/z.md']);
    expect(output.files.get('articles/same.html')).toContain('From a.');
    content.files.delete('articles/a.md');
    await builder.build(T0);
    expect(output.files.get('articles/same.html')).toContain('From m.');
  });

  it('takes back the page of an article that turns out to repeat an earlier id', async () => {
    const { content, output, builder } = site();
    content.add('articles/a.md', articleText({ title: 'First', id: 'tag:x.org,2025:1', date: '2025-01-01T00:00:00Z' }));
    content.add('articles/b.md', articleText({ title: 'Second', id: 'tag:x.org,2025:1', date: '2025-01-02T00:00:00Z' }));
    const report = await builder.build(T0);
    expect(report.problems.map((p) => p.message)).toEqual(['duplicate id "tag:x.org,2025:1" (already used by articles/a.md)']);
    expect(output.files.has('articles/second.html')).toBe(false);
    expect(output.files.has('articles/first.html')).toBe(true);
  });
});

describe('buildSite', () => {
  it('shares one builder, and its cache, between calls with the same dependencies (a warm Lambda)', async () => {
    const { content, deps } = site();
    content.add('articles/a.md', articleText({ title: 'Alpha', date: '2025-01-01T00:00:00Z' }));
    const kept = deps();
    expect((await buildSite(kept, T0)).parsed).toBe(1);
    expect((await buildSite(kept, T0)).parsed).toBe(0);
    expect((await buildSite(deps(), T0)).parsed).toBe(1);
  });
});

describe('the calendar: embargoed articles', () => {
  it('records the next embargo, says a rebuild is due when it comes, and then publishes the article', async () => {
    const { content, output, builder } = site();
    content.add('articles/now.md', articleText({ title: 'Out now', date: '2025-02-01T00:00:00Z' }));
    content.add('articles/later.md', articleText({ title: 'Coming', date: '2025-03-01T00:05:00Z' }));
    content.add('articles/draft.md', articleText({ title: 'Draft', draft: true, date: '2025-03-01T00:01:00Z' }));
    const first = await builder.build(T0);
    expect(first.nextEmbargo?.toISOString()).toBe('2025-03-01T00:05:00.000Z');
    const manifest = await readSiteManifest(output);
    expect(manifest).toMatchObject({ now: T0.toISOString(), nextEmbargo: '2025-03-01T00:05:00.000Z' });
    expect([...publishedArticleIds(manifest)]).toEqual(['tag:gazette.example.org,2025-02-01:now']);
    expect(output.files.has('articles/coming.html')).toBe(false);
    expect(rebuildDue(manifest, new Date('2025-03-01T00:04:59Z'))).toBe(false);
    expect(rebuildDue(manifest, new Date('2025-03-01T00:05:00Z'))).toBe(true);

    output.reset();
    expect(await builder.buildIfDue(new Date('2025-03-01T00:04:59Z'))).toBeUndefined();
    expect(output.writes).toEqual([]);
    const later = new Date('2025-03-01T00:06:00Z');
    expect((await builder.buildIfDue(later))?.articles.map((a) => a.title)).toEqual(['Coming', 'Out now']);
    const after = await readSiteManifest(output);
    expect(after?.nextEmbargo).toBeNull();
    expect(rebuildDue(after, later)).toBe(false);
    expect(publishedArticleIds(after).has('tag:gazette.example.org,2025-03-01:later')).toBe(true);
    expect(output.files.get('articles/coming.html')).toContain('<h1>Coming</h1>');
    expect(JSON.parse(output.files.get('feed.json')!).items[0].title).toBe('Coming');
  });

  it('a site never built is due', () => {
    expect(rebuildDue(undefined, T0)).toBe(true);
  });
});

describe('the article cache between processes', () => {
  it('is used by a new builder under the same code version, settings and templates, and by no other', async () => {
    const { content, output, deps } = site({ codeVersion: 'v1' });
    for (let i = 0; i < 5; i++) content.add(`articles/a${i}.md`, articleText({ title: `A${i}`, date: `2025-01-0${i + 1}T00:00:00Z` }));
    expect((await new SiteBuilder(deps()).build(T0)).parsed).toBe(5);
    output.reset();
    const warm = await new SiteBuilder(deps()).build(T0);
    expect(warm.parsed).toBe(0);
    expect(output.writes).toEqual([]);
    expect((await new SiteBuilder({ ...deps(), codeVersion: 'v2' }).build(T0)).parsed).toBe(5);
    content.add('publication.yaml', settingsYaml({ feedItems: 3 }));
    expect((await new SiteBuilder({ ...deps(), codeVersion: 'v2' }).build(T0)).parsed).toBe(5);
  });

  it('saves only the entries that changed while they are few, and a whole new cache otherwise', async () => {
    const { content, output, deps } = site({ codeVersion: 'v1' });
    for (let i = 0; i < 20; i++) content.add(`articles/a${i}.md`, articleText({ title: `A${i}`, date: `2025-01-${String(i + 1).padStart(2, '0')}T00:00:00Z` }));
    await new SiteBuilder(deps()).build(T0);
    expect(output.saves).toEqual(['article-cache.v8', 'article-cache-changes.v8', 'site-manifest.json']);
    const base = output.state.get('article-cache.v8');
    content.add('articles/a3.md', articleText({ title: 'A3, retitled', date: '2025-01-04T00:00:00Z' }));
    output.reset();
    await new SiteBuilder(deps()).build(T0);
    expect(output.saves).toEqual(['article-cache-changes.v8', 'site-manifest.json']);
    expect(output.state.get('article-cache.v8')).toBe(base);
    // A new process sees the edit through the changes: nothing is parsed again.
    expect((await new SiteBuilder(deps()).build(T0)).parsed).toBe(0);
    // A file of changes that cannot be read is ignored: the edited article is parsed again, the rest is not.
    output.state.set('article-cache-changes.v8', new Uint8Array([1, 2, 3]));
    const torn = await new SiteBuilder(deps()).build(T0);
    expect(torn.parsed).toBe(1);
    expect(output.files.get('index.html')).toContain('A3, retitled');
  });

  it('renders every page again when the page template changes, and list templates that show the body get it', async () => {
    const first = site({ codeVersion: 'v1' });
    for (let i = 0; i < 4; i++) first.content.add(`articles/a${i}.md`, articleText({ title: `A${i}`, date: `2025-01-0${i + 1}T00:00:00Z` }, `Body ${i}.\n`));
    await first.builder.build(T0);
    const item = '<li>{{title}}: {{{html}}}</li>';
    const redesigned = new SiteBuilder({ ...first.deps(), templates: templatesWith({ 'article.html': '<article>{{{article.html}}}</article>', 'partials/article-item.html': item }) });
    first.output.reset();
    await redesigned.build(T0);
    expect(first.output.writes.filter((p) => p.startsWith('articles/')).sort()).toEqual(['articles/a0.html', 'articles/a1.html', 'articles/a2.html', 'articles/a3.html']);
    const index = first.output.files.get('index.html')!;
    for (let i = 0; i < 4; i++) expect(index).toContain(`A${i}: <p>Body ${i}.</p>`);
  });
});
