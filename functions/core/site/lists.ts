import Mustache from 'mustache';
import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { feedPaths, LIST_PAGE_SIZE, listPagePath, relativeHref, rootOf, siteUrlFor, SITE_PATHS } from '../urls.ts';
import { defaultSubscribeForm, type SubscribeFormView } from '../web/subscribe-form.ts';
import { collectionChannel, type Collection } from './collections.ts';
import { articleView, metaDescription, partialsOf, renderPage, type PageTemplates } from './pages.ts';

// An article's view per settings object and root: lists show each article on several pages (the
// site's, its newsletters', its tags').
const views = new WeakMap<Settings, WeakMap<Article, Map<string, ReturnType<typeof articleView>>>>();
function listView(article: Article, settings: Settings, root: string) {
  let bySettings = views.get(settings);
  if (!bySettings) views.set(settings, (bySettings = new WeakMap()));
  let byRoot = bySettings.get(article);
  if (!byRoot) bySettings.set(article, (byRoot = new Map()));
  let view = byRoot.get(root);
  if (!view) byRoot.set(root, (view = articleView(article, settings, root)));
  return view;
}

/** One page of a collection's list: its path, its number (from 1) of `count`, and its articles. */
export interface ListPage<A> {
  path: string;
  number: number;
  count: number;
  articles: A[];
}

/** A collection's pages, `size` articles each; an empty collection has one (empty) page. */
export function paginate<A>(folder: string, articles: A[], size = LIST_PAGE_SIZE): ListPage<A>[] {
  const count = Math.max(1, Math.ceil(articles.length / size));
  return Array.from({ length: count }, (_, i) => ({ path: listPagePath(folder, i + 1), number: i + 1, count, articles: articles.slice(i * size, (i + 1) * size) }));
}

/** Links to a list's pages from page `number`: the first, the last, and two on each side of it. */
function pagerView(folder: string, number: number, count: number, root: string) {
  const href = (n: number) => relativeHref(root, listPagePath(folder, n));
  const pages: { number: number; href: string; current: boolean; gap: boolean }[] = [];
  for (let n = 1; n <= count; n++) {
    if (n === 1 || n === count || Math.abs(n - number) <= 2) pages.push({ number: n, href: href(n), current: n === number, gap: false });
    else if (pages.at(-1)?.gap === false) pages.push({ number: n, href: '', current: false, gap: true });
  }
  return { many: count > 1, prev: number > 1 ? href(number - 1) : undefined, next: number < count ? href(number + 1) : undefined, pages };
}

export interface ListOptions {
  /** Whether the site links the digest's past issues (issues/index.html). */
  archive?: boolean;
  /** The subscribe form's view (the same on every page of one build). */
  form?: SubscribeFormView;
}

/**
 * One page of a collection: the site's index (templates/index.html) or a tag's or a newsletter's
 * page (templates/collection.html), linking its own feeds for autodiscovery, its neighbours with
 * rel=prev/next, and carrying the subscribe form.
 */
export function renderListPage(templates: PageTemplates, settings: Settings, collection: Omit<Collection, 'articles'>, page: ListPage<Article>, options: ListOptions = {}): string {
  const root = rootOf(page.path);
  const channel = collectionChannel(settings, collection);
  const paths = feedPaths(collection.folder);
  const feeds = { rss: relativeHref(root, paths.rss), atom: relativeHref(root, paths.atom), json: relativeHref(root, paths.json) };
  const pager = pagerView(collection.folder, page.number, page.count, root);
  const body = Mustache.render(
    collection.kind === 'site' ? templates.index : templates.collection,
    {
      root,
      site: { title: settings.title, description: settings.description },
      collection: { title: collection.title, description: collection.description, tag: collection.kind === 'tag', newsletter: collection.kind === 'newsletter' },
      articles: page.articles.map((a) => listView(a, settings, root)),
      empty: page.articles.length === 0,
      archive: options.archive === true,
      feeds,
      tagsHref: root + SITE_PATHS.tags,
      pager,
      page: { number: page.number, count: page.count, first: page.number === 1 },
      form: options.form ?? defaultSubscribeForm(settings),
    },
    partialsOf(templates),
  );
  const absolute = (n: number) => siteUrlFor(settings.siteUrl, listPagePath(collection.folder, n));
  const name = collection.kind === 'site' ? settings.title : `${collection.title} · ${settings.title}`;
  const title = page.number > 1 ? `${name} · page ${page.number} of ${page.count}` : name;
  const canonical = page.number === 1 ? channel.home : absolute(page.number);
  return renderPage(templates, settings, title, root, body, canonical, {
    description: metaDescription(collection.description),
    feeds: channel,
    prev: page.number > 1 ? (page.number === 2 ? channel.home : absolute(page.number - 1)) : undefined,
    next: page.number < page.count ? absolute(page.number + 1) : undefined,
  });
}

/** The index of every tag (tags/index.html): each with its page and how many articles it has. */
export function renderTagsPage(templates: PageTemplates, settings: Settings, tags: readonly (Omit<Collection, 'articles'> & { count: number })[], form: SubscribeFormView = defaultSubscribeForm(settings)): string {
  const root = rootOf(SITE_PATHS.tags);
  const collator = new Intl.Collator(settings.language);
  const sorted = [...tags].sort((a, b) => collator.compare(a.title, b.title) || (a.folder < b.folder ? -1 : 1));
  const body = Mustache.render(
    templates.tags,
    {
      root,
      site: { title: settings.title },
      tags: sorted.map((t) => ({ title: t.title, href: relativeHref(root, listPagePath(t.folder, 1)), count: t.count, many: t.count !== 1 })),
      empty: sorted.length === 0,
      form,
    },
    partialsOf(templates),
  );
  return renderPage(templates, settings, `Tags · ${settings.title}`, root, body, siteUrlFor(settings.siteUrl, SITE_PATHS.tags), { description: `Every tag of ${settings.title}.` });
}
