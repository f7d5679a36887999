import type { Article } from '../articles/types.ts';
import { issueDueAt, type DueIssue } from '../issue/due.ts';
import type { IssueContent } from '../issue/types.ts';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { renderDigest } from './render.ts';
import { loadEmailTemplate } from './templates.ts';

/**
 * The issue a send at `at` would carry (see issueDueAt), rendered once as every recipient gets it:
 * what `newsletter preview` writes and the local server's /preview shows. Undefined when no article
 * has been published by `now`.
 */
export async function renderIssueDueAt(input: { settings: Settings; articles: readonly Article[]; templates: TemplateSource; at: Date; now: Date }): Promise<{ issue: DueIssue; rendered: IssueContent } | undefined> {
  const { settings } = input;
  const issue = issueDueAt(input.articles, settings.digest, input.at, input.now);
  if (!issue) return undefined;
  const template = await loadEmailTemplate(input.templates, 'digest.mjml');
  const rendered = await renderDigest({ settings, issueId: issue.id, articles: issue.articles, scheduledTime: issue.scheduledFor, template });
  return { issue, rendered };
}
