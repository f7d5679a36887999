import Mustache from 'mustache';
import { escapeHtml } from '../escape.ts';
import { GENERATOR } from '../feeds/model.ts';
import { buildXml, plainTextAsHtml, type XmlNode } from '../feeds/xml.ts';
import { formatLongDate } from '../digest/dates.ts';
import type { SiteOutput } from '../ports.ts';
import { newslettersOf, type Newsletter } from '../newsletters/list.ts';
import type { Settings } from '../settings.ts';
import { renderPage, type PageTemplates } from '../site/pages.ts';
import { issueArchivePath, issueArchiveUrl, siteUrlFor } from '../urls.ts';
import type { IssueArticle, IssueSummary } from './types.ts';

/**
 * The digest's archive on the site, written from the issues actually planned and sent (never derived
 * from the schedule): a page per issue (the email's "view in browser" link), an index of every issue,
 * newest first, and an Atom feed of issues.
 */
export const ARCHIVE_PATHS = { index: 'issues/index.html', feed: 'issues/atom.xml' } as const;

export interface ArchiveTemplates extends PageTemplates {
  /** One issue's page (templates/issue.html). */
  issue: string;
  /** The list of issues (templates/issues.html). */
  issues: string;
}

export const ARCHIVE_TEMPLATE_FILES = { issue: 'issue.html', issues: 'issues.html' } as const;

const HTML = 'text/html; charset=utf-8';
const ATOM = 'application/atom+xml; charset=utf-8';

export interface ArchiveInput {
  settings: Settings;
  templates: ArchiveTemplates;
  /** Every issue to list, newest first. */
  issues: readonly IssueSummary[];
  /**
   * Ids of the articles the site publishes now; an article an issue carried that is no longer
   * published is listed without a link (so no archive page links to a missing page). Undefined: all are.
   */
  published?: ReadonlySet<string> | undefined;
}

/** The newsletter an issue belongs to, by its list id (issues planned before newsletters: the first, the digest). */
function newsletterOf(issue: Pick<IssueSummary, 'listId'>, settings: Settings): Newsletter {
  const all = newslettersOf(settings);
  return all.find((n) => n.listId === issue.listId) ?? all[0]!;
}

/** The newsletter's name, shown beside an issue only when the publication has several. */
function newsletterName(issue: Pick<IssueSummary, 'listId'>, settings: Settings): string | undefined {
  return newslettersOf(settings).length > 1 ? newsletterOf(issue, settings).name : undefined;
}

function dateText(issue: Pick<IssueSummary, 'listId' | 'scheduledFor'>, settings: Settings): string {
  return formatLongDate(issue.scheduledFor, settings.language, newsletterOf(issue, settings).schedule.timezone);
}

function articleView(article: IssueArticle, settings: Settings, published: ReadonlySet<string> | undefined) {
  return {
    title: article.title,
    path: published === undefined || published.has(article.id) ? article.path : undefined,
    author: article.author ?? settings.author.name,
    summary: article.summary,
    date: article.date.toISOString(),
    dateText: formatLongDate(article.date, settings.language, 'UTC'),
  };
}

/** The archive page of one issue: what it carried, as it was planned. */
export function renderIssuePage(input: Omit<ArchiveInput, 'issues'> & { issue: IssueSummary }): string {
  const { settings, templates, issue } = input;
  const when = dateText(issue, settings);
  const body = Mustache.render(
    templates.issue,
    {
      root: '../',
      site: { title: settings.title },
      issue: { date: issue.scheduledFor.toISOString(), dateText: when, subject: issue.subject, newsletter: newsletterName(issue, settings) },
      articles: issue.articles.map((a) => articleView(a, settings, input.published)),
      index: 'index.html',
    },
    { 'article-item': templates.articleItem },
  );
  return renderPage(templates, settings, `${issue.subject} · ${when} · ${settings.title}`, '../', body, issueArchiveUrl(settings.siteUrl, issue.id));
}

/** The list of every issue, newest first. */
export function renderIssueIndex(input: ArchiveInput): string {
  const { settings, templates, issues } = input;
  const body = Mustache.render(templates.issues, {
    site: { title: settings.title },
    several: newslettersOf(settings).length > 1,
    feed: 'atom.xml',
    empty: issues.length === 0,
    issues: issues.map((issue) => ({
      path: `${issue.id}.html`,
      subject: issue.subject,
      date: issue.scheduledFor.toISOString(),
      dateText: dateText(issue, settings),
      newsletter: newsletterName(issue, settings),
      count: issue.articles.length,
      many: issue.articles.length !== 1,
    })),
  });
  return renderPage(templates, settings, `Past issues · ${settings.title}`, '../', body, siteUrlFor(settings.siteUrl, ARCHIVE_PATHS.index));
}

/** The Atom feed of issues: one entry per issue, linking its archive page (written as feeds/atom.ts writes articles). */
export function renderIssueFeed(input: Omit<ArchiveInput, 'templates'>): string {
  const { settings, issues } = input;
  const host = new URL(settings.siteUrl).hostname;
  const index = siteUrlFor(settings.siteUrl, ARCHIVE_PATHS.index);
  const updated = issues.reduce((newest, i) => Math.max(newest, (i.sentAt ?? i.createdAt).getTime()), Date.UTC(2000, 0, 1));
  const entry = (issue: IssueSummary): XmlNode => {
    const items = issue.articles.map((a) => {
      const linked = input.published === undefined || input.published.has(a.id);
      const title = escapeHtml(a.title);
      return `<li>${linked ? `<a href="${escapeHtml(siteUrlFor(settings.siteUrl, a.path))}">${title}</a>` : title}: ${escapeHtml(a.summary)}</li>`;
    });
    return {
      title: { '@type': 'html', '#text': plainTextAsHtml(issue.subject) },
      id: `tag:${host},${issue.scheduledFor.toISOString().slice(0, 10)}:issues/${issue.id}`,
      link: { '@rel': 'alternate', '@type': 'text/html', '@href': issueArchiveUrl(settings.siteUrl, issue.id) },
      updated: (issue.sentAt ?? issue.createdAt).toISOString(),
      published: issue.scheduledFor.toISOString(),
      content: { '@type': 'html', '#text': `<ol>${items.join('')}</ol>` },
    };
  };
  return buildXml({
    feed: {
      '@xmlns': 'http://www.w3.org/2005/Atom',
      '@xml:lang': settings.language,
      id: index,
      title: `${settings.title}: past issues`,
      subtitle: `Every issue of the ${settings.title} email digest`,
      updated: new Date(updated).toISOString(),
      generator: GENERATOR,
      author: { name: settings.author.name, uri: settings.siteUrl },
      link: [
        { '@rel': 'alternate', '@type': 'text/html', '@href': index },
        { '@rel': 'self', '@type': 'application/atom+xml', '@href': siteUrlFor(settings.siteUrl, ARCHIVE_PATHS.feed) },
      ],
      rights: settings.copyright,
      entry: issues.map(entry),
    },
  });
}

/** Writes the archive: every issue's page, the index and the feed. Returns the paths written. */
export async function writeIssueArchive(output: SiteOutput, input: ArchiveInput, only?: ReadonlySet<string>): Promise<string[]> {
  const written: string[] = [];
  for (const issue of input.issues) {
    if (only && !only.has(issue.id)) continue;
    const path = issueArchivePath(issue.id);
    await output.write(path, renderIssuePage({ ...input, issue }), HTML);
    written.push(path);
  }
  await output.write(ARCHIVE_PATHS.index, renderIssueIndex(input), HTML);
  await output.write(ARCHIVE_PATHS.feed, renderIssueFeed(input), ATOM);
  written.push(ARCHIVE_PATHS.index, ARCHIVE_PATHS.feed);
  return written;
}
