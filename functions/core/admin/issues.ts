import type { IssueArticle, IssueSummary } from '../issue/types.ts';
import type { Settings } from '../settings.ts';
import type { IssueStore } from '../sending/ports.ts';
import { AdminError } from './errors.ts';
import { issueRow, summaryOf, type IssueRow } from './figures.ts';
import { allLists, chooseList, type ListChoice, type NewsletterName } from './lists.ts';

export interface IssuesDeps {
  settings: Settings;
  issues: IssueStore;
}

/** One issue with what it carried. */
export interface IssueDetail extends IssueRow {
  windowStart: Date;
  windowEnd: Date;
  createdAt: Date;
  batchesPlanned: number;
  batchesDone: number;
  articleList: Pick<IssueArticle, 'id' | 'title' | 'url' | 'date'>[];
}

export interface IssuePage {
  /** The newsletters listed: the one asked for, or all of them. */
  newsletters: NewsletterName[];
  issues: IssueRow[];
  /** What to page on from (one newsletter: the last issue's id); absent on the last page. */
  cursor?: string | undefined;
}

/** Where a listing of several newsletters' issues stands: per list id, the last issue shown (null: none left). */
type MergedCursor = Record<string, string | null>;

function encodeCursor(cursor: MergedCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string, lists: readonly ListChoice[]): MergedCursor {
  const bad = () => new AdminError('bad-request', `after: "${raw.slice(0, 40)}" is not a cursor this listing gave`);
  if (!/^[A-Za-z0-9_-]{1,4000}$/.test(raw)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch (error) {
    throw Object.assign(bad(), { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad();
  const known = new Set(lists.map((l) => l.listId));
  for (const [listId, id] of Object.entries(value)) {
    if (!known.has(listId) || !(id === null || (typeof id === 'string' && looksLikeIssueId(id)))) throw bad();
  }
  return value as MergedCursor;
}

/**
 * What an issue id may look like: today a UTC time to the minute (`2026-01-05T0700Z`); the issues of
 * further newsletters will carry a prefix, so only the characters are checked.
 */
export function looksLikeIssueId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$/.test(id);
}

/** Most issues a page lists. */
export const MAX_ISSUE_PAGE = 100;

/** Every issue of a newsletter, newest first, with its figures; and one issue in full. */
export class IssuesService {
  constructor(private readonly deps: IssuesDeps) {}

  /** One newsletter's issues (`newsletter` given, or there is only one), else every newsletter's, merged newest first. */
  async list(options: { newsletter?: string | undefined; limit?: number | undefined; after?: string | undefined } = {}): Promise<IssuePage> {
    const { settings, issues } = this.deps;
    const limit = options.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ISSUE_PAGE) throw new AdminError('bad-request', `limit: a whole number from 1 to ${MAX_ISSUE_PAGE}`);
    const lists = allLists(settings);
    if (options.newsletter === undefined && lists.length > 1) return this.merged(lists, limit, options.after);
    const { newsletter, listId } = chooseList(settings, options.newsletter);
    if (options.after !== undefined && !looksLikeIssueId(options.after)) throw new AdminError('bad-request', `after: "${options.after}" is not an issue id`);
    // One more than shown, so the last page says so (a store's cursor may name a page that turns out empty).
    const page = (await issues.listIssues(listId, { limit: limit + 1, after: options.after })).issues;
    const shown = page.slice(0, limit);
    return { newsletters: [newsletter], issues: await this.rows(shown), cursor: page.length > limit ? shown.at(-1)!.id : undefined };
  }

  /** A page of every newsletter's issues: a page of each list, merged by scheduled time, the first `limit` shown. */
  private async merged(lists: readonly ListChoice[], limit: number, after: string | undefined): Promise<IssuePage> {
    const cursor = after === undefined ? {} : decodeCursor(after, lists);
    const pages = await Promise.all(lists.map(async (list) => {
      const from = cursor[list.listId];
      if (from === null) return { list, issues: [] as IssueSummary[] };
      // One more than a page can show: whether any is left is then known without another read.
      return { list, issues: (await this.deps.issues.listIssues(list.listId, { limit: limit + 1, after: from })).issues };
    }));
    const newest = pages
      .flatMap((page) => page.issues.map((issue) => ({ page, issue })))
      .sort((a, b) => b.issue.scheduledFor.getTime() - a.issue.scheduledFor.getTime() || a.issue.id.localeCompare(b.issue.id))
      .slice(0, limit);
    const next: MergedCursor = {};
    let more = false;
    for (const page of pages) {
      const shown = newest.filter((n) => n.page === page).length;
      const left = shown < page.issues.length;
      more ||= left;
      const id = page.list.listId;
      if (!left) next[id] = null;
      else if (shown > 0) next[id] = page.issues[shown - 1]!.id;
      else if (cursor[id] !== undefined) next[id] = cursor[id];
      // Otherwise none of its issues was shown yet: the next page starts from its newest (no key).
    }
    return { newsletters: lists.map((l) => l.newsletter), issues: await this.rows(newest.map((n) => n.issue)), cursor: more ? encodeCursor(next) : undefined };
  }

  /** The full record carries the settings the issue was planned with (whether it tracked opens and clicks). */
  private rows(summaries: readonly IssueSummary[]): Promise<IssueRow[]> {
    const { settings, issues } = this.deps;
    return Promise.all(summaries.map(async (summary) => {
      const record = await issues.getIssue(summary.id);
      return issueRow(issues, record ? summaryOf(record) : summary, settings);
    }));
  }

  async show(id: string): Promise<IssueDetail> {
    const { settings, issues } = this.deps;
    if (!looksLikeIssueId(id)) throw new AdminError('bad-request', `"${id}" is not an issue id (such as 2026-01-05T0700Z)`);
    const record = await issues.getIssue(id);
    if (!record) throw new AdminError('not-found', `there is no issue ${id}`);
    const row = await issueRow(issues, summaryOf(record), settings);
    return {
      ...row,
      windowStart: record.windowStart,
      windowEnd: record.windowEnd,
      createdAt: record.createdAt,
      batchesPlanned: record.batchesPlanned,
      batchesDone: record.batchesDone,
      articleList: record.content.articles.map(({ id: articleId, title, url, date }) => ({ id: articleId, title, url, date })),
    };
  }
}
