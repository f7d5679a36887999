import Mustache from 'mustache';
import type { Article } from '../articles/types.ts';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { formatLongDate } from '../digest/dates.ts';
import { siteChannel, type FeedChannel } from '../feeds/model.ts';
import { truncateAtWord } from '../text.ts';
import { articlePath, listPagePath, relativeHref, SITE_PATHS, tagFolder, tagSlug } from '../urls.ts';
import { defaultSubscribeForm, type SubscribeFormView } from '../web/subscribe-form.ts';

export interface PageTemplates {
  layout: string;
  article: string;
  index: string;
  /** One page of a tag's or a newsletter's articles (templates/collection.html). */
  collection: string;
  /** Every tag, with links to their pages (templates/tags.html). */
  tags: string;
  /** One article in a list (`{{> article-item}}`), shared by the index, collections and the issue pages. */
  articleItem: string;
  /** The subscribe form (`{{> subscribe-form}}`) on the index, articles, collections, issue pages and subscribe.html. */
  subscribeForm: string;
  /** Links to a list's other pages (`{{> pager}}`). */
  pager: string;
}

export const PAGE_TEMPLATE_FILES = {
  layout: 'layout.html',
  article: 'article.html',
  index: 'index.html',
  collection: 'collection.html',
  tags: 'tags.html',
  articleItem: 'partials/article-item.html',
  subscribeForm: 'partials/subscribe-form.html',
  pager: 'partials/pager.html',
} as const satisfies Record<keyof PageTemplates, string>;

export async function loadPageTemplates(templates: TemplateSource): Promise<PageTemplates> {
  const names = Object.keys(PAGE_TEMPLATE_FILES) as (keyof PageTemplates)[];
  const texts = await Promise.all(names.map((name) => templates.load(PAGE_TEMPLATE_FILES[name])));
  return Object.fromEntries(names.map((name, i) => [name, texts[i]!])) as unknown as PageTemplates;
}

/** The partials every page body may use. */
export function partialsOf(templates: PageTemplates): Record<string, string> {
  return { 'article-item': templates.articleItem, 'subscribe-form': templates.subscribeForm, pager: templates.pager };
}

// Pages show UTC days: one formatted text per language and day (an index of 10,000 articles spans
// a few hundred days; formatting each date anew was a third of rebuilding the index).
const dayTexts = new Map<string, string>();
export function formatDate(date: Date, language: string): string {
  const key = `${language} ${Math.floor(date.getTime() / 86_400_000)}`;
  let text = dayTexts.get(key);
  if (text === undefined) {
    text = formatLongDate(date, language, 'UTC');
    if (dayTexts.size > 100_000) dayTexts.clear();
    dayTexts.set(key, text);
  }
  return text;
}

// Tag slugs, by tag: an article's tags are slugged for every page that lists it.
const slugs = new Map<string, string>();
function slugOf(tag: string): string {
  let slug = slugs.get(tag);
  if (slug === undefined) {
    if (slugs.size > 100_000) slugs.clear();
    slugs.set(tag, (slug = tagSlug(tag)));
  }
  return slug;
}

/** An article's tags as links to their pages, from a page whose root is `root`. */
function tagLinks(article: Pick<Article, 'tags'>, root: string): { name: string; href: string }[] {
  const seen = new Set<string>();
  const links: { name: string; href: string }[] = [];
  for (const tag of article.tags) {
    const name = tag.trim();
    const slug = slugOf(name);
    if (!name || seen.has(slug)) continue;
    seen.add(slug);
    links.push({ name, href: relativeHref(root, listPagePath(tagFolder(slug), 1)) });
  }
  return links;
}

export function articleView(article: Article, settings: Settings, root = '../') {
  const tags = tagLinks(article, root);
  return {
    title: article.title,
    url: article.url,
    path: articlePath(article.slug),
    author: article.author ?? settings.author.name,
    summary: article.summary,
    image: article.image,
    html: article.html,
    tags,
    hasTags: tags.length > 0,
    date: article.date.toISOString(),
    dateText: formatDate(article.date, settings.language),
    updated: article.updated.getTime() !== article.date.getTime() ? article.updated.toISOString() : undefined,
    updatedText: formatDate(article.updated, settings.language),
  };
}

/** What the layout says about a page besides its title: for search engines, link previews and feed readers. */
export interface PageMeta {
  /** The page's own description (default: the site's). */
  description?: string;
  /** Open Graph type: `article` for an article's page, `website` (the default) for the others. */
  type?: 'article' | 'website';
  /** The title link previews show (default: the page's title). */
  shareTitle?: string;
  /** Absolute URL of the page's image, when it has one. */
  image?: string | undefined;
  /** The feeds the page offers for autodiscovery (default: the site's). */
  feeds?: FeedChannel;
  /** Absolute URLs of the list's previous (newer) and next (older) pages. */
  prev?: string | undefined;
  next?: string | undefined;
  /** Published and updated times of an article (ISO 8601). */
  published?: string;
  modified?: string;
}

/** A description for search results and link previews: at most about 160 characters, cut at a word. */
export function metaDescription(text: string): string {
  return truncateAtWord(text.replace(/\s+/g, ' ').trim(), 160);
}

/** Wraps a page body in the layout; `root` is the (relative or absolute) URL of the site's root. */
export function renderPage(templates: PageTemplates, settings: Settings, title: string, root: string, body: string, canonical: string, meta: PageMeta = {}): string {
  const feeds = meta.feeds ?? siteChannel(settings);
  return Mustache.render(templates.layout, {
    lang: settings.language,
    title,
    siteTitle: settings.title,
    description: meta.description ?? settings.description,
    copyright: settings.copyright,
    root,
    canonical,
    feeds: { ...feeds.feeds, title: feeds.title },
    og: {
      type: meta.type ?? 'website',
      title: meta.shareTitle ?? title,
      image: meta.image,
      card: meta.image ? 'summary_large_image' : 'summary',
      published: meta.published,
      modified: meta.modified,
    },
    prev: meta.prev,
    next: meta.next,
    paths: { favicon: root + SITE_PATHS.favicon, tags: root + SITE_PATHS.tags, subscribe: root + SITE_PATHS.subscribe },
    body,
  });
}

/** The HTML page of one article, at the URL its feeds link to, with the subscribe form. */
export function renderArticlePage(templates: PageTemplates, settings: Settings, article: Article, form: SubscribeFormView = defaultSubscribeForm(settings)): string {
  const body = Mustache.render(templates.article, { root: '../', article: articleView(article, settings), site: { title: settings.title }, form }, partialsOf(templates));
  return renderPage(templates, settings, `${article.title} · ${settings.title}`, '../', body, article.url, {
    description: metaDescription(article.summary || settings.description),
    type: 'article',
    shareTitle: article.title,
    image: article.image,
    published: article.date.toISOString(),
    modified: article.updated.toISOString(),
  });
}
