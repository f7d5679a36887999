import Mustache from 'mustache';
import type { Article } from '../articles/types.ts';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { formatLongDate } from '../digest/dates.ts';
import { articlePath, feedUrls, siteUrlFor } from '../urls.ts';

export interface PageTemplates {
  layout: string;
  article: string;
  index: string;
  /** One article in a list (`{{> article-item}}`), shared by the index and the issue pages. */
  articleItem: string;
}

export const PAGE_TEMPLATE_FILES = { layout: 'layout.html', article: 'article.html', index: 'index.html', articleItem: 'partials/article-item.html' } as const;

export async function loadPageTemplates(templates: TemplateSource): Promise<PageTemplates> {
  const [layout, article, index, articleItem] = await Promise.all([
    templates.load(PAGE_TEMPLATE_FILES.layout),
    templates.load(PAGE_TEMPLATE_FILES.article),
    templates.load(PAGE_TEMPLATE_FILES.index),
    templates.load(PAGE_TEMPLATE_FILES.articleItem),
  ]);
  return { layout, article, index, articleItem };
}

// Pages show UTC days: one formatted text per language and day (an index of 10,000 articles spans
// a few hundred days; formatting each date anew was a third of rebuilding the index).
const dayTexts = new Map<string, string>();
function formatDate(date: Date, language: string): string {
  const key = `${language} ${Math.floor(date.getTime() / 86_400_000)}`;
  let text = dayTexts.get(key);
  if (text === undefined) {
    text = formatLongDate(date, language, 'UTC');
    if (dayTexts.size > 100_000) dayTexts.clear();
    dayTexts.set(key, text);
  }
  return text;
}

function articleView(article: Article, settings: Settings) {
  return {
    title: article.title,
    url: article.url,
    path: articlePath(article.slug),
    author: article.author ?? settings.author.name,
    summary: article.summary,
    image: article.image,
    html: article.html,
    tags: article.tags,
    hasTags: article.tags.length > 0,
    date: article.date.toISOString(),
    dateText: formatDate(article.date, settings.language),
    updated: article.updated.getTime() !== article.date.getTime() ? article.updated.toISOString() : undefined,
    updatedText: formatDate(article.updated, settings.language),
  };
}

/** Wraps a page body in the layout; `root` is the (relative or absolute) URL of the site's root. */
export function renderPage(templates: PageTemplates, settings: Settings, title: string, root: string, body: string, canonical: string): string {
  const feeds = feedUrls(settings.siteUrl);
  return Mustache.render(templates.layout, {
    lang: settings.language,
    title,
    siteTitle: settings.title,
    description: settings.description,
    copyright: settings.copyright,
    root,
    canonical,
    feeds,
    body,
  });
}

/** The HTML page of one article, at the URL its feeds link to. */
export function renderArticlePage(templates: PageTemplates, settings: Settings, article: Article): string {
  const body = Mustache.render(templates.article, { article: articleView(article, settings), site: { title: settings.title } });
  return renderPage(templates, settings, `${article.title} · ${settings.title}`, '../', body, article.url);
}

/**
 * The index of every published article, newest first, linking the three feeds; with `archive`, also
 * the digest's past issues (issues/index.html, written wherever the site is built beside the store).
 */
export function renderIndexPage(templates: PageTemplates, settings: Settings, articles: Article[], options: { archive?: boolean } = {}): string {
  const feeds = feedUrls(settings.siteUrl);
  const body = Mustache.render(templates.index, {
    root: '',
    site: { title: settings.title, description: settings.description },
    articles: articles.map((a) => articleView(a, settings)),
    empty: articles.length === 0,
    archive: options.archive === true,
    feeds,
  }, { 'article-item': templates.articleItem });
  return renderPage(templates, settings, settings.title, '', body, siteUrlFor(settings.siteUrl, ''));
}
