import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArticles } from '../../functions/core/articles/load.ts';
import { newslettersOf, type Newsletter } from '../../functions/core/newsletters/list.ts';
import { siteCollections, tagCollections } from '../../functions/core/site/collections.ts';
import { paginate, renderListPage } from '../../functions/core/site/lists.ts';
import { loadPageTemplates, renderArticlePage } from '../../functions/core/site/pages.ts';
import { renderSitemaps, SITEMAP_MAX_URLS } from '../../functions/core/site/sitemap.ts';
import { listPagePath, tagFolder, tagSlug } from '../../functions/core/urls.ts';
import { renderSubscribePage } from '../../functions/core/web/pages.ts';
import { subscribeFormView } from '../../functions/core/web/subscribe-form.ts';
import { ROOT } from '../helpers/cli.ts';
import { articleText, contentFile, testSettings } from '../helpers/factories.ts';
import { metaTags, select, text, within } from '../helpers/html.ts';
import Mustache from 'mustache';

const settings = testSettings();
// A newsletter as the settings would give it: the single digest's schedule and mail fields, these choices.
const newsletter = (fields: Pick<Newsletter, 'id' | 'name' | 'description' | 'default' | 'tags' | 'excludeTags'>): Newsletter => ({ ...newslettersOf(settings)[0]!, ...fields });
const templates = await loadPageTemplates({ load: async (name) => readFileSync(join(ROOT, 'templates', name), 'utf8') });
const subscribe = readFileSync(join(ROOT, 'templates', 'subscribe.html'), 'utf8');

function articles(specs: { title: string; tags?: string[]; image?: string; date?: string }[]) {
  const files = specs.map((s, i) => contentFile(`articles/a${i}.md`, articleText({ date: s.date ?? `2025-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`, ...s }, `Body of ${s.title}, long enough to be a summary that runs past one hundred and sixty characters, so that the description has to be cut somewhere near a word boundary.\n`)));
  return loadArticles(files, settings, new Date('2026-01-01T00:00:00Z')).articles;
}

describe('tag slugs', () => {
  it('keep letters and digits of any script in lower case, everything else one dash', () => {
    expect(tagSlug('Economy')).toBe('economy');
    expect(tagSlug('  North   Korea ')).toBe('north-korea');
    expect(tagSlug('Q&A')).toBe('q-a');
    expect(tagSlug('北朝鮮')).toBe('北朝鮮');
    expect(tagSlug('Ізраїль/Газа')).toBe('ізраїль-газа');
    // NFC and NFD spellings, and full-width forms, are one tag.
    expect(tagSlug('Cafe\u0301')).toBe(tagSlug('Café'));
    expect(tagSlug('ＡＢＣ')).toBe('abc');
  });

  it('never leave their folder: no dot, slash, backslash, space or control character survives', () => {
    for (const hostile of ['../../etc/passwd', '..', '.', '/', 'a/b', 'a\\b', '..\\..\\x', '%2e%2e%2f', 'a\u0000b', '\u202Eevil', 'x\ny', 'index.html', '．．／']) {
      const slug = tagSlug(hostile);
      expect(slug, hostile).toMatch(/^[\p{L}\p{M}\p{N}]+(-[\p{L}\p{M}\p{N}]+)*$/u);
      expect(listPagePath(tagFolder(slug), 1).split('/')).toHaveLength(3);
    }
  });

  it('give a tag of symbols alone a stable name of its own, and stay short enough for a file name', () => {
    expect(tagSlug('!!!')).toMatch(/^tag-[0-9a-f]{8}$/);
    expect(tagSlug('!!!')).toBe(tagSlug(' !!! '));
    expect(tagSlug('!!!')).not.toBe(tagSlug('???'));
    expect(new TextEncoder().encode(tagSlug('ж'.repeat(500))).length).toBeLessThanOrEqual(96);
    expect(new TextEncoder().encode(tagSlug('word '.repeat(100))).length).toBeLessThanOrEqual(96);
    expect(tagSlug('word '.repeat(100))).not.toMatch(/-$/);
    expect(tagSlug('😀'.repeat(40))).toMatch(/^tag-/);
    expect(tagSlug('CON')).toBe('con-tag');
  });
});

describe('collections', () => {
  it('one per tag slug: spellings that slug alike are one page, titled by the most used, reported once', () => {
    const list = articles([
      { title: 'One', tags: ['North Korea', 'economy'] },
      { title: 'Two', tags: ['north korea'] },
      { title: 'Three', tags: ['North Korea', 'NORTH-KOREA'] },
      { title: 'Four', tags: ['   '] },
    ]);
    const { collections, merged } = tagCollections(list);
    expect(collections.map((c) => [c.folder, c.title, c.articles.map((a) => a.title)])).toEqual([
      ['tags/economy/', 'economy', ['One']],
      ['tags/north-korea/', 'North Korea', ['Three', 'Two', 'One']],
    ]);
    expect(merged).toEqual([{ slug: 'north-korea', tags: ['North Korea', 'NORTH-KOREA', 'north korea'] }]);
  });

  it('a collection per newsletter, from the newsletters given, each carrying what it carries', () => {
    const list = articles([
      { title: 'Budget', tags: ['economy'] },
      { title: 'Election', tags: ['politics'] },
      { title: 'Advert', tags: ['economy', 'sponsored'] },
    ]);
    const newsletters: Newsletter[] = [
      newsletter({ id: 'weekly', name: 'The Weekly', description: 'Everything, weekly', default: true, tags: [], excludeTags: ['sponsored'] }),
      newsletter({ id: 'economy', name: 'Economy Brief', description: 'Money matters', default: false, tags: ['Economy'], excludeTags: [] }),
    ];
    const { collections, duplicates } = siteCollections(settings, list, newsletters);
    expect(collections.map((c) => [c.kind, c.folder, c.articles.map((a) => a.title)])).toEqual([
      ['site', '', ['Advert', 'Election', 'Budget']],
      ['newsletter', 'newsletters/weekly/', ['Election', 'Budget']],
      ['newsletter', 'newsletters/economy/', ['Advert', 'Budget']],
      ['tag', 'tags/economy/', ['Advert', 'Budget']],
      ['tag', 'tags/politics/', ['Election']],
      ['tag', 'tags/sponsored/', ['Advert']],
    ]);
    expect(duplicates).toEqual([]);
    expect(siteCollections(settings, list, [newsletters[0]!, { ...newsletters[1]!, id: 'weekly' }]).duplicates).toEqual(['weekly']);
  });
});

describe('list pages', () => {
  const many = articles(Array.from({ length: 120 }, (_, i) => ({ title: `Story ${i}`, tags: ['Economy'], date: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString() })));
  const { collections } = siteCollections(settings, many);
  const site = collections[0]!;
  const tag = collections.find((c) => c.kind === 'tag')!;

  it('50 a page, at index.html, page/2/index.html, …, linked by rel=prev/next and page numbers', () => {
    const pages = paginate('', site.articles);
    expect(pages.map((p) => [p.path, p.articles.length])).toEqual([['index.html', 50], ['page/2/index.html', 50], ['page/3/index.html', 20]]);
    const second = renderListPage(templates, settings, site, pages[1]!);
    expect(select(second, 'link', { rel: 'prev' })[0]?.attribs.href).toBe('https://gazette.example.org/news/');
    expect(select(second, 'link', { rel: 'next' })[0]?.attribs.href).toBe('https://gazette.example.org/news/page/3/index.html');
    expect(select(second, 'link', { rel: 'canonical' })[0]?.attribs.href).toBe('https://gazette.example.org/news/page/2/index.html');
    const pager = select(second, 'nav', { class: 'pager' })[0]!;
    expect(text(pager)).toBe('← Newer 1 2 3 Older →');
    expect(select(second, 'a').filter((a) => /^\d$/.test(text(a))).map((a) => a.attribs.href)).toEqual(['../../index.html', '../../page/3/index.html']);
    expect(select(second, 'span', { 'aria-current': 'page' }).map(text)).toEqual(['2']);
    expect(select(second, 'h2').filter((h) => text(h).startsWith('Story'))).toHaveLength(50);
    // The first page has no rel=prev, the last no rel=next.
    expect(select(renderListPage(templates, settings, site, pages[0]!), 'link', { rel: 'prev' })).toEqual([]);
    expect(select(renderListPage(templates, settings, site, pages[2]!), 'link', { rel: 'next' })).toEqual([]);
  });

  it('a tag\'s page links its own feeds for autodiscovery, and its articles from two folders down', () => {
    const page = renderListPage(templates, settings, tag, paginate(tag.folder, tag.articles)[0]!);
    expect(select(page, 'link', { rel: 'alternate' }).map((l) => [l.attribs.type, l.attribs.href])).toEqual([
      ['application/rss+xml', 'https://gazette.example.org/news/tags/economy/feed.xml'],
      ['application/atom+xml', 'https://gazette.example.org/news/tags/economy/atom.xml'],
      ['application/feed+json', 'https://gazette.example.org/news/tags/economy/feed.json'],
    ]);
    expect(select(page, 'h1').map(text)).toEqual(['Economy']);
    expect(select(page, 'a').find((a) => text(a) === 'Story 119')?.attribs.href).toBe('../../articles/story-119.html');
    expect(metaTags(page)).toMatchObject({ 'og:type': 'website', 'og:url': 'https://gazette.example.org/news/tags/economy/index.html', 'twitter:card': 'summary' });
  });

  it('gives many pages a pager with gaps, never every number', () => {
    const long = paginate('', Array.from({ length: 50 * 20 }, () => site.articles[0]!));
    const nav = select(renderListPage(templates, settings, site, long[9]!), 'nav', { class: 'pager' })[0]!;
    expect(text(nav)).toBe('← Newer 1 … 8 9 10 11 12 … 20 Older →');
  });
});

describe('an article page', () => {
  it('carries its own description, Open Graph and Twitter card tags, tag links and the subscribe form', () => {
    const [article] = articles([{ title: 'Lead & image', tags: ['North Korea', 'Q&A'], image: 'https://cdn.example.org/lead.jpg' }]);
    const page = renderArticlePage(templates, settings, article!);
    const meta = metaTags(page);
    expect(meta.description!.length).toBeLessThanOrEqual(161);
    expect(meta.description).toMatch(/^Body of Lead & image, long enough .*…$/);
    expect(article!.summary.startsWith(meta.description!.slice(0, -1))).toBe(true);
    expect(meta).toMatchObject({
      'og:type': 'article',
      'og:title': 'Lead & image',
      'og:url': article!.url,
      'og:image': 'https://cdn.example.org/lead.jpg',
      'og:site_name': 'The Test Gazette',
      'og:description': meta.description,
      'twitter:card': 'summary_large_image',
    });
    expect(select(page, 'ul', { class: 'tags' }).flatMap((ul) => within(ul, 'a')).map((a) => [text(a), a.attribs.href])).toEqual([
      ['North Korea', '../tags/north-korea/index.html'],
      ['Q&A', '../tags/q-a/index.html'],
    ]);
    expect(select(page, 'link', { rel: 'icon' })[0]?.attribs.href).toBe('../favicon.svg');
    const form = select(page, 'form', { class: 'subscribe-form' })[0]!;
    expect([form.attribs.method, form.attribs.action]).toEqual(['post', 'https://gazette.example.org/api/subscribe']);
    expect(select(page, 'input').map((i) => i.attribs.name)).toEqual(['email', 'name']);
    const plain = metaTags(renderArticlePage(templates, settings, articles([{ title: 'Plain' }])[0]!));
    expect(plain['og:image']).toBeUndefined();
    expect(plain['twitter:card']).toBe('summary');
  });
});

describe('the subscribe form', () => {
  const two: Newsletter[] = [
    newsletter({ id: 'weekly', name: 'The Weekly', description: 'Everything, every Monday', default: true, tags: [], excludeTags: [] }),
    newsletter({ id: 'economy', name: 'Economy Brief', description: 'Money matters', default: false, tags: ['economy'], excludeTags: [] }),
  ];
  const render = (view: ReturnType<typeof subscribeFormView>) => Mustache.render(templates.subscribeForm, { form: view });

  it('with two newsletters: one checkbox each, named newsletters with the id as value, the defaults ticked', () => {
    const html = render(subscribeFormView(settings, {}, two));
    const boxes = select(html, 'input', { type: 'checkbox' });
    expect(boxes.map((b) => [b.attribs.name, b.attribs.value, 'checked' in b.attribs])).toEqual([
      ['newsletters', 'weekly', true],
      ['newsletters', 'economy', false],
    ]);
    expect(select(html, 'label').map(text)).toEqual(['Email address', 'Name (optional)', 'The Weekly', 'Economy Brief']);
    expect(select(html, 'legend').map(text)).toEqual(['Newsletters']);
  });

  it('keeps what was chosen, typed and what went wrong after a failed attempt', () => {
    const html = render(subscribeFormView(settings, { email: 'x@', name: 'Ann "A" <b>', chosen: ['economy'], error: 'Please check the address' }, two));
    expect(select(html, 'input', { type: 'checkbox' }).map((b) => 'checked' in b.attribs)).toEqual([false, true]);
    expect(select(html, 'input', { name: 'name' })[0]?.attribs.value).toBe('Ann "A" <b>');
    expect(select(html, 'input', { name: 'email' })[0]?.attribs).toMatchObject({ value: 'x@', 'aria-invalid': 'true', 'aria-describedby': 'email-error' });
    expect(select(html, 'p', { role: 'alert' }).map(text)).toEqual(['Please check the address']);
  });

  it('with one newsletter: no checkboxes; the subscribe page keeps the name and shows no second heading', () => {
    expect(select(render(subscribeFormView(settings)), 'input', { type: 'checkbox' })).toEqual([]);
    const page = renderSubscribePage({ ...templates, subscribe }, settings, { email: 'ann@example.com', name: 'Ann', chosen: [] });
    expect(select(page, 'input', { name: 'name' })[0]?.attribs.value).toBe('Ann');
    expect(select(page, 'h1').map(text)).toEqual(['Subscribe to The Test Gazette']);
    expect(select(page, 'h2', { class: 'subscribe-heading' })).toEqual([]);
    expect(select(page, 'link', { rel: 'canonical' })[0]?.attribs.href).toBe('https://gazette.example.org/news/subscribe.html');
  });
});

describe('the sitemap', () => {
  it('lists absolute URLs with their lastmod, and splits past 50,000 pages into an index and parts', () => {
    const small = renderSitemaps('https://gazette.example.org/news/', [
      { path: 'index.html', lastmod: new Date('2025-01-02T03:04:05.678Z') },
      { path: 'tags/北朝鮮/index.html', lastmod: undefined },
    ]);
    expect([...small.keys()]).toEqual(['sitemap.xml']);
    expect(small.get('sitemap.xml')).toContain('<url><loc>https://gazette.example.org/news/index.html</loc><lastmod>2025-01-02T03:04:05Z</lastmod></url>');
    expect(small.get('sitemap.xml')).toContain('<url><loc>https://gazette.example.org/news/tags/%E5%8C%97%E6%9C%9D%E9%AE%AE/index.html</loc></url>');
    const entries = Array.from({ length: SITEMAP_MAX_URLS + 1 }, (_, i) => ({ path: `articles/a${i}.html`, lastmod: new Date(i * 1000) }));
    const big = renderSitemaps('https://gazette.example.org/news/', entries);
    expect([...big.keys()].sort()).toEqual(['sitemap-1.xml', 'sitemap-2.xml', 'sitemap.xml']);
    expect(big.get('sitemap.xml')).toMatch(/<sitemapindex [^>]*>\n {4}<sitemap><loc>https:\/\/gazette\.example\.org\/news\/sitemap-1\.xml<\/loc><lastmod>/);
    expect(big.get('sitemap-2.xml')!.match(/<url>/g)).toHaveLength(1);
  });
});
