import type { Logger } from '../../core/ports.ts';
import type { Settings } from '../../core/settings.ts';
import type { SubscriptionLinks } from '../../core/subscribers/links.ts';
import type { PreferencesService } from '../../core/subscribers/preferences.ts';
import type { SubscriptionService } from '../../core/subscribers/service.ts';
import type { ApiTemplates } from '../../core/web/subscription-pages.ts';

/** What the HTTP API handlers (subscribe, confirm, unsubscribe, preferences) are built from. */
export interface ApiDeps {
  service: SubscriptionService;
  preferences: PreferencesService;
  /** Reads a link's token for the page its GET opens, without acting on it. */
  links: SubscriptionLinks;
  settings: Settings;
  templates: ApiTemplates;
  log: Logger;
  now: () => Date;
}
