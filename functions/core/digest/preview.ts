import type { Article } from '../articles/types.ts';
import { issueDueAt, type DueIssue } from '../issue/due.ts';
import { issueIdFor } from '../issue/id.ts';
import type { IssueContent } from '../issue/types.ts';
import { carries, LEGACY_NEWSLETTER_ID, newslettersOf, settingsFor, type Newsletter } from '../newsletters/list.ts';
import type { TemplateSource } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { renderDigest } from './render.ts';
import { loadEmailTemplate } from './templates.ts';

/**
 * The issue of `newsletter` (default: the legacy one, else the first) a send at `at` would carry (see
 * issueDueAt), rendered once as every recipient gets it: what `newsletter preview` writes and the local
 * server's /preview shows. Undefined when no article it carries has been published by `now`.
 */
export async function renderIssueDueAt(input: {
  settings: Settings;
  articles: readonly Article[];
  templates: TemplateSource;
  at: Date;
  now: Date;
  newsletter?: Newsletter | undefined;
}): Promise<{ issue: DueIssue; rendered: IssueContent; newsletter: Newsletter } | undefined> {
  const all = newslettersOf(input.settings);
  const newsletter = input.newsletter ?? all.find((n) => n.id === LEGACY_NEWSLETTER_ID) ?? all[0]!;
  const settings = settingsFor(input.settings, newsletter);
  const due = issueDueAt(input.articles.filter((a) => carries(newsletter, a)), settings.digest, input.at, input.now);
  if (!due) return undefined;
  const issue = { ...due, id: issueIdFor(due.scheduledFor, newsletter.id) };
  const template = await loadEmailTemplate(input.templates, 'digest.mjml');
  const rendered = await renderDigest({ settings, newsletter, issueId: issue.id, articles: issue.articles, scheduledTime: issue.scheduledFor, template });
  return { issue, rendered, newsletter };
}
