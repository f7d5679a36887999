import type { FeedChannel } from '../feeds/model.ts';
import { carries, newslettersOf, type Newsletter } from '../newsletters/list.ts';
import type { Settings } from '../settings.ts';
import { feedPaths, listPagePath, newsletterFolder, siteUrlFor, tagFolder, tagSlug } from '../urls.ts';

/** What a collection needs of an article: its tags (a cached article without its body will do). */
export interface Tagged {
  tags: readonly string[];
}

/**
 * A list of articles with its own pages and feeds: the site's (every article, at the root), a tag's
 * (`tags/<slug>/`) or a newsletter's (`newsletters/<id>/`). Pages and feeds are written the same
 * way for every kind.
 */
export interface CollectionSpec {
  kind: 'site' | 'tag' | 'newsletter';
  /** Folder of its pages and feeds: '' (the site's) or a path ending in `/`. */
  folder: string;
  /** Plain text: the tag as written, the newsletter's name, the site's title. */
  title: string;
  description: string;
  /** Which articles it lists. */
  filter(article: Tagged): boolean;
}

export interface Collection<A extends Tagged = Tagged> extends Omit<CollectionSpec, 'filter'> {
  /** Its articles, newest first. */
  articles: A[];
}

/** Spellings of a tag that share one page (they slug alike): reported once per build. */
export interface TagMerge {
  slug: string;
  /** The spelling the page shows, then the others. */
  tags: string[];
}

export function siteCollection(settings: Settings): CollectionSpec {
  return { kind: 'site', folder: '', title: settings.title, description: settings.description, filter: () => true };
}

/** A newsletter's collection: the articles it carries (see newsletters/list.ts). */
export function newsletterCollection(newsletter: Newsletter): CollectionSpec {
  // Feeds and pages need a description (Atom's subtitle must not be blank); settings may leave it out.
  const description = newsletter.description.trim() || `Every article ${newsletter.name} carries, newest first.`;
  return { kind: 'newsletter', folder: newsletterFolder(newsletter.id), title: newsletter.name, description, filter: (a) => carries(newsletter, a) };
}

/** The articles of a collection spec, newest first (as `articles` is). */
export function collect<A extends Tagged>(spec: CollectionSpec, articles: A[]): Collection<A> {
  const { filter, ...rest } = spec;
  return { ...rest, articles: articles.filter((a) => filter(a)) };
}

/**
 * One collection per tag slug, in one pass over the articles. Tags that slug alike (case, spacing,
 * Unicode forms, punctuation) are one collection, titled by the spelling most articles use; each such
 * merge is returned once. Blank tags are no collection.
 */
export function tagCollections<A extends Tagged>(articles: A[]): { collections: Collection<A>[]; merged: TagMerge[] } {
  const bySlug = new Map<string, { articles: A[]; spellings: Map<string, number> }>();
  const slugs = new Map<string, string>();
  for (const article of articles) {
    const seen = new Set<string>();
    for (const raw of article.tags) {
      const tag = raw.trim().replace(/\s+/g, ' ').normalize('NFC');
      if (!tag) continue;
      let slug = slugs.get(tag);
      if (slug === undefined) slugs.set(tag, (slug = tagSlug(tag)));
      let group = bySlug.get(slug);
      if (!group) bySlug.set(slug, (group = { articles: [], spellings: new Map() }));
      group.spellings.set(tag, (group.spellings.get(tag) ?? 0) + 1);
      // An article that carries two spellings of one tag is listed once.
      if (!seen.has(slug)) group.articles.push(article);
      seen.add(slug);
    }
  }
  const collections: Collection<A>[] = [];
  const merged: TagMerge[] = [];
  for (const [slug, group] of [...bySlug].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const tags = [...group.spellings].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0)).map(([tag]) => tag);
    const title = tags[0]!;
    if (tags.length > 1) merged.push({ slug, tags });
    collections.push({ kind: 'tag', folder: tagFolder(slug), title, description: `Every article tagged “${title}”, newest first.`, articles: group.articles });
  }
  return { collections, merged };
}

/**
 * Every collection a build writes: the site's first, then one per newsletter (in the settings' order;
 * a second newsletter on the same folder is left out and named in `duplicates`), then one per tag.
 */
export function siteCollections<A extends Tagged>(settings: Settings, articles: A[], newsletters: readonly Newsletter[] = newslettersOf(settings)) {
  const collections: Collection<A>[] = [collect(siteCollection(settings), articles)];
  const folders = new Set<string>();
  const duplicates: string[] = [];
  for (const newsletter of newsletters) {
    const spec = newsletterCollection(newsletter);
    if (folders.has(spec.folder)) duplicates.push(newsletter.id);
    else collections.push(collect(spec, articles));
    folders.add(spec.folder);
  }
  const tags = tagCollections(articles);
  for (const collection of tags.collections) collections.push(collection);
  return { collections, merged: tags.merged, duplicates };
}

/** The absolute URLs a collection's feeds give for themselves and for the page they follow. */
export function collectionChannel(settings: Settings, collection: Omit<Collection, 'articles'>): FeedChannel {
  const feeds = feedPaths(collection.folder);
  const url = (path: string) => siteUrlFor(settings.siteUrl, path);
  const home = collection.kind === 'site' ? settings.siteUrl : url(listPagePath(collection.folder, 1));
  const title = collection.kind === 'tag' ? `${settings.title}: ${collection.title}` : collection.title;
  return { title, description: collection.description, home, feeds: { rss: url(feeds.rss), atom: url(feeds.atom), json: url(feeds.json) } };
}
