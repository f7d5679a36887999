import type { Article } from '../articles/types.ts';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { renderDigest, type RenderedDigest } from './render.ts';
import { issueDueAt, type DueIssue } from './select.ts';
import { loadEmailTemplate } from './templates.ts';

/**
 * The issue a send at `at` would carry (see issueDueAt), rendered once as every recipient gets it:
 * what `newsletter preview` writes and the local server's /preview shows. Undefined when no article
 * has been published by then.
 */
export async function renderIssueDueAt(input: { settings: Settings; articles: readonly Article[]; templates: TemplateSource; at: Date }): Promise<{ issue: DueIssue; rendered: RenderedDigest } | undefined> {
  const { settings } = input;
  const issue = issueDueAt(input.articles, settings.digest, input.at);
  if (!issue) return undefined;
  const template = await loadEmailTemplate(input.templates, 'digest.mjml');
  const rendered = await renderDigest({ settings, issueId: issue.id, articles: issue.articles, scheduledTime: issue.scheduledTime, template });
  return { issue, rendered };
}
