import type { IssueArticle } from '../issue/types.ts';
import type { Settings } from '../settings.ts';
import type { IssueStore } from '../sending/ports.ts';
import { AdminError } from './errors.ts';
import { issueRow, summaryOf, type IssueRow } from './figures.ts';
import { chooseList } from './lists.ts';

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
  newsletter: { id: string; name: string };
  issues: IssueRow[];
  /** The id to page on from; absent on the last page. */
  cursor?: string | undefined;
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

  async list(options: { newsletter?: string | undefined; limit?: number | undefined; after?: string | undefined } = {}): Promise<IssuePage> {
    const { settings, issues } = this.deps;
    const { newsletter, listId } = chooseList(settings, options.newsletter);
    const limit = options.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ISSUE_PAGE) throw new AdminError('bad-request', `limit: a whole number from 1 to ${MAX_ISSUE_PAGE}`);
    if (options.after !== undefined && !looksLikeIssueId(options.after)) throw new AdminError('bad-request', `after: "${options.after}" is not an issue id`);
    const page = await issues.listIssues(listId, { limit, after: options.after });
    // The full record carries the settings the issue was planned with (whether it tracked opens and clicks).
    const rows = await Promise.all(page.issues.map(async (summary) => {
      const record = await issues.getIssue(summary.id);
      return issueRow(issues, record ? summaryOf(record) : summary, settings);
    }));
    return { newsletter, issues: rows, cursor: page.cursor };
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
