import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { articlePath } from '../urls.ts';

/** One article as an issue carried it, frozen when the issue was planned (the archive shows this). */
export interface IssueArticle {
  id: string;
  title: string;
  /** Absolute URL when planned. */
  url: string;
  /** The page's path inside the site (`articles/<slug>.html`), for links that survive a change of host. */
  path: string;
  author: string | undefined;
  date: Date;
  summary: string;
}

/**
 * What one issue carries: its articles and the digest rendered once. The HTML and text still hold the
 * per-recipient placeholders (see digest/rendered.ts); each message fills them in.
 */
export interface IssueContent {
  subject: string;
  html: string;
  text: string;
  preheader: string;
  /** Every article of the issue, newest first (the archive page shows them all). */
  articles: IssueArticle[];
  /** Articles with a card in the email (fewer than `articles` when the HTML had to shrink). */
  cards: number;
  /** The mode actually used: `full` falls back to `summary` when the HTML would be clipped. */
  mode: 'summary' | 'full';
}

export type IssueStatus = 'planning' | 'sending' | 'sent';

/** One digest send, keyed by its scheduled time (so a repeated schedule event plans nothing twice). */
export interface IssueRecord {
  /** The scheduled time in UTC to the minute, after the newsletter's id for any but the legacy one (id.ts). */
  id: string;
  /** The newsletter it is an issue of (newsletters/list.ts); absent on issues planned before newsletters: the legacy one. */
  newsletter?: string | undefined;
  /** The newsletter's list id: its issues and watermark are kept under it. */
  listId: string;
  /** The publication settings it was planned with, as its newsletter sees them (settingsFor): delivery needs nothing but the issue. */
  settings: Settings;
  scheduledFor: Date;
  /** Articles published after this (exclusive)… */
  windowStart: Date;
  /** …and at or before this (inclusive); the list's watermark once the issue is sent. */
  windowEnd: Date;
  content: IssueContent;
  status: IssueStatus;
  /** Batches enqueued so far, and whether every subscriber page has been enqueued. */
  batchesPlanned: number;
  planComplete: boolean;
  /** Where paging through confirmed subscribers resumes (opaque). */
  planCursor?: string | undefined;
  batchesDone: number;
  /** The sender's counts: messages SES accepted, recipients skipped (no longer subscribed), failures. */
  sent: number;
  skipped: number;
  failed: number;
  /** From SES's events, each recipient counted once per kind (opened/clicked only when tracking is on). */
  delivered: number;
  bounced: number;
  complained: number;
  rejected: number;
  opened: number;
  clicked: number;
  /** Set while SES's daily quota is exhausted: deliveries wait until then. */
  pausedUntil?: Date | undefined;
  createdAt: Date;
  sentAt?: Date | undefined;
}

/** The counts SES's events add to, as a new issue starts. */
export const NO_EVENT_COUNTS = { delivered: 0, bounced: 0, complained: 0, rejected: 0, opened: 0, clicked: 0 } as const satisfies Partial<IssueRecord>;

/** The names of the counts SES's events add to. */
export type IssueEventCount = keyof typeof NO_EVENT_COUNTS;

/** An issue as listings show it (the archive, the console): everything but the rendered digest and the settings. */
export type IssueSummary = Omit<IssueRecord, 'settings' | 'content'> & Pick<IssueContent, 'subject' | 'articles'>;

/** The frozen view of an article an issue carries. */
export function issueArticle(article: Article): IssueArticle {
  return { id: article.id, title: article.title, url: article.url, path: articlePath(article.slug), author: article.author, date: article.date, summary: article.summary };
}
