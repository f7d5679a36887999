import { SiteIssueArchive } from '../core/issue/publish.ts';
import type { ContentSource, Logger, SiteOutput, TemplateSource } from '../core/ports.ts';
import { ContentIssueComposer } from '../core/sending/compose.ts';
import { readPublishedIds } from '../core/site/manifest.ts';
import type { DeliveryQueue } from '../core/sending/ports.ts';
import type { Settings } from '../core/settings.ts';
import { now, POLICY, type Stores } from './services.ts';

// The planner renders the digest (MJML): kept apart so the delivery and SES-events bundles stay small.

export function buildPlanDeps(input: {
  settings: Settings;
  content: ContentSource;
  templates: TemplateSource;
  stores: Stores;
  queue: DeliveryQueue;
  tokenKey: string | Uint8Array;
  log: Logger;
  batchSize?: number;
  /** The public site: the issue's archive page is written there before its first message goes out. */
  site?: SiteOutput | undefined;
}) {
  const listId = input.settings.digest.listId;
  const { site } = input;
  return {
    issues: input.stores.issues,
    subscribers: input.stores.subscribers,
    queue: input.queue,
    composer: new ContentIssueComposer({
      settings: input.settings,
      content: input.content,
      templates: input.templates,
      log: input.log,
      // The digest carries only what the site has published (its build manifest says), when there is a site.
      published: site ? () => readPublishedIds(site) : undefined,
    }),
    archive: input.site ? new SiteIssueArchive({ issues: input.stores.issues, output: input.site, templates: input.templates, settings: input.settings, listId }) : undefined,
    log: input.log,
    settings: input.settings,
    listId,
    tokenKey: input.tokenKey,
    batchSize: input.batchSize ?? POLICY.batchSize,
    now,
  };
}
