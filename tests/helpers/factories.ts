import { stringify } from 'yaml';
import type { ContentFile } from '../../functions/core/articles/types.ts';
import { issueIdFor } from '../../functions/core/issue/id.ts';
import { NO_EVENT_COUNTS, type IssueContent, type IssueRecord } from '../../functions/core/issue/types.ts';
import { parseSettings, type Settings } from '../../functions/core/settings.ts';

/** Publication settings as a YAML object; override any field. */
export function settingsObject(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'The Test Gazette',
    description: 'News for tests',
    siteUrl: 'https://gazette.example.org/news/',
    language: 'en-GB',
    author: { name: 'Gazette Desk', email: 'desk@gazette.example.org' },
    copyright: '© 2026 The Test Gazette',
    feedItems: 50,
    digest: {
      from: 'The Test Gazette <digest@gazette.example.org>',
      replyTo: 'editors@gazette.example.org',
      postalAddress: '1 Test Lane, Testville, TS1 1TT, United Kingdom',
      apiUrl: 'https://gazette.example.org/api/',
      unsubscribeMailto: 'unsubscribe@gazette.example.org',
      listId: 'digest.gazette.example.org',
    },
    ...overrides,
  };
}

export function settingsYaml(overrides: Record<string, unknown> = {}): string {
  return stringify(settingsObject(overrides));
}

export function testSettings(overrides: Record<string, unknown> = {}): Settings {
  return parseSettings(settingsYaml(overrides));
}

let counter = 0;

/** The text of an article file: front matter from `fields` (null leaves a field out) and a body. */
export function articleText(fields: Record<string, unknown> = {}, body = 'A first paragraph.\n\nA second one.\n'): string {
  counter++;
  const front: Record<string, unknown> = { title: `Article ${counter}`, date: '2024-11-20T09:00:00+09:00', ...fields };
  for (const [k, v] of Object.entries(front)) if (v === null) delete front[k];
  return `---\n${stringify(front)}---\n\n${body}`;
}

export function contentFile(path: string, text: string | Uint8Array): ContentFile {
  return { path, bytes: typeof text === 'string' ? new TextEncoder().encode(text) : text };
}

/** An issue's content as the planner records it: one article, rendered text and HTML stand-ins. */
export function issueContent(overrides: Partial<IssueContent> = {}): IssueContent {
  const date = new Date('2026-11-20T09:00:00Z');
  return {
    subject: 'Budget passes',
    html: '<p>x</p>',
    text: 'x',
    preheader: '',
    articles: [{ id: 'tag:gazette.example.org,2026-11-20:a', title: 'Budget passes', url: 'https://gazette.example.org/news/articles/budget.html', path: 'articles/budget.html', author: undefined, date, summary: 'The budget passed.' }],
    cards: 1,
    mode: 'summary',
    ...overrides,
  };
}

/** A stored issue (planned, part-way sent) for the given settings; override any field. */
export function issueRecord(settings: Settings, overrides: Partial<IssueRecord> = {}): IssueRecord {
  const at = overrides.scheduledFor ?? new Date('2026-11-22T22:00:00Z');
  return {
    id: issueIdFor(at),
    settings,
    listId: settings.digest.listId,
    scheduledFor: at,
    windowStart: new Date(at.getTime() - 7 * 86_400_000),
    windowEnd: at,
    content: issueContent(),
    status: 'sending',
    batchesPlanned: 0,
    planComplete: false,
    batchesDone: 0,
    sent: 0,
    skipped: 0,
    failed: 0,
    ...NO_EVENT_COUNTS,
    createdAt: at,
    ...overrides,
  };
}
