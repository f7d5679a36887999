import { IssuesService } from '../core/admin/issues.ts';
import { OverviewService } from '../core/admin/overview.ts';
import type { SendStarter } from '../core/admin/ports.ts';
import { SendService } from '../core/admin/send.ts';
import { SubscribersService } from '../core/admin/subscribers.ts';
import type { ContentSource, Logger, Mailer, SiteOutput, TemplateSource } from '../core/ports.ts';
import { ContentIssueComposer } from '../core/sending/compose.ts';
import type { Settings } from '../core/settings.ts';
import { readPublishedIds } from '../core/site/manifest.ts';
import type { AdminDeps } from '../handlers/admin.ts';
import { subscriptionService } from './api.ts';
import { apiMail } from './confirmation-mail.ts';
import type { Stores } from './stores.ts';

/** What the console's services are built from: the same parts on AWS and on one machine. */
export interface AdminParts {
  settings: Settings;
  content: ContentSource;
  templates: TemplateSource;
  stores: Stores;
  /** Test sends and resent confirmations go through it: SES on AWS, the outbox locally. */
  mailer: Mailer;
  tokenKey: string | Uint8Array;
  log: Logger;
  /** How "send now" starts the planner (an asynchronous invocation on AWS, the local send on one machine). */
  starter: SendStarter;
  /** The public site: the issue due carries only what its build manifest says is published (as the planner does). */
  site?: SiteOutput | undefined;
  now?: () => Date;
}

/** The console's services (core/admin) over the stores: what the admin handler and the CLI's console commands use. */
export function adminDeps(input: AdminParts): AdminDeps {
  const { settings, stores, log, site } = input;
  const composer = new ContentIssueComposer({ settings, content: input.content, templates: input.templates, log, published: site ? () => readPublishedIds(site) : undefined });
  const subscriptions = subscriptionService({ settings, stores, mail: apiMail({ settings, templates: input.templates, mailer: input.mailer }), tokenKey: input.tokenKey, log });
  return {
    overview: new OverviewService({ settings, issues: stores.issues, timeline: stores.timeline }),
    issues: new IssuesService({ settings, issues: stores.issues }),
    subscribers: new SubscribersService({ settings, subscribers: stores.subscribers, issues: stores.issues, deliveries: stores.deliveries, subscriptions, log }),
    send: new SendService({
      settings,
      content: input.content,
      templates: input.templates,
      issues: stores.issues,
      subscribers: stores.subscribers,
      composer,
      mailer: input.mailer,
      tokenKey: input.tokenKey,
      starter: input.starter,
      log,
    }),
    log,
    now: input.now ?? (() => new Date()),
  };
}
