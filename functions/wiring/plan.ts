import type { ContentSource, Logger, TemplateSource } from '../core/ports.ts';
import { POLICY } from '../core/policy.ts';
import { ContentIssueComposer } from '../core/sending/compose.ts';
import type { DeliveryQueue } from '../core/sending/ports.ts';
import type { Settings } from '../core/settings.ts';
import type { PlanIssueHandlerDeps } from '../handlers/plan-issue.ts';
import type { Stores } from './stores.ts';

// The planner renders the digest (MJML): kept apart from the delivery and SES-events wiring, whose bundles stay small.

/** The issue planner, from its parts: the publication, the stores, the delivery queue and the signing key. */
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
}): PlanIssueHandlerDeps {
  return {
    issues: input.stores.issues,
    subscribers: input.stores.subscribers,
    queue: input.queue,
    composer: new ContentIssueComposer({ settings: input.settings, content: input.content, templates: input.templates, log: input.log }),
    log: input.log,
    settings: input.settings,
    listId: input.settings.digest.listId,
    tokenKey: input.tokenKey,
    batchSize: input.batchSize ?? POLICY.batchSize,
    now: input.now ?? (() => new Date()),
  };
}
