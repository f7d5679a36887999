import { SiteIssueArchive } from '../core/issue/publish.ts';
import type { ContentSource, Logger, SiteOutput, TemplateSource } from '../core/ports.ts';
import { POLICY } from '../core/policy.ts';
import { ContentIssueComposer } from '../core/sending/compose.ts';
import type { DeliveryQueue } from '../core/sending/ports.ts';
import type { Settings } from '../core/settings.ts';
import { readPublishedIds } from '../core/site/manifest.ts';
import type { PlanIssueHandlerDeps } from '../handlers/plan-issue.ts';
import type { Stores } from './stores.ts';

// The planner renders the digest (MJML): kept apart from the delivery and SES-events wiring, whose bundles stay small.

/** The issue planner, from its parts: the publication, the stores, the delivery queue, the signing key and the site. */
export function planDeps(input: {
  settings: Settings;
  content: ContentSource;
  templates: TemplateSource;
  stores: Stores;
  queue: DeliveryQueue;
  tokenKey: string | Uint8Array;
  log: Logger;
  batchSize?: number;
  now?: () => Date;
  /**
   * The public site: the issue's archive page is written there before its first message goes out, and
   * the digest carries only the articles its build manifest says are published.
   */
  site?: SiteOutput | undefined;
}): PlanIssueHandlerDeps {
  const { settings, site } = input;
  return {
    issues: input.stores.issues,
    subscribers: input.stores.subscribers,
    queue: input.queue,
    composer: new ContentIssueComposer({
      settings,
      content: input.content,
      templates: input.templates,
      log: input.log,
      published: site ? () => readPublishedIds(site) : undefined,
    }),
    archive: site ? new SiteIssueArchive({ issues: input.stores.issues, output: site, templates: input.templates, settings }) : undefined,
    log: input.log,
    settings,
    tokenKey: input.tokenKey,
    batchSize: input.batchSize ?? POLICY.batchSize,
    now: input.now ?? (() => new Date()),
  };
}
