import type { Logger } from '../../core/ports.ts';
import type { Settings } from '../../core/settings.ts';
import type { SubscriptionLinks } from '../../core/subscribers/links.ts';
import type { SubscriptionService } from '../../core/subscribers/service.ts';
import type { WebTemplates } from '../../core/web/pages.ts';

/** What the HTTP API handlers (subscribe, confirm, unsubscribe) are built from. */
export interface ApiDeps {
  service: SubscriptionService;
  /** Reads a link's token for the page its GET opens, without acting on it. */
  links: SubscriptionLinks;
  settings: Settings;
  templates: WebTemplates;
  log: Logger;
  now: () => Date;
}
