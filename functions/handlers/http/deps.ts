import type { Logger } from '../../core/ports.ts';
import type { Settings } from '../../core/settings.ts';
import type { SubscriptionService } from '../../core/subscribers/service.ts';
import type { WebTemplates } from '../../core/web/pages.ts';

/** What the HTTP API handlers (subscribe, confirm, unsubscribe) are built from. */
export interface ApiDeps {
  service: SubscriptionService;
  settings: Settings;
  templates: WebTemplates;
  log: Logger;
  now: () => Date;
}
