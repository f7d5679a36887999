import type { Logger } from '../../core/ports.ts';
import type { Settings } from '../../core/settings.ts';
import type { SubscriptionService } from '../../core/subscribers/service.ts';
import type { WebTemplates } from '../../core/web/pages.ts';
import { lazyDeps } from '../lazy.ts';

/** What the HTTP API handlers need. */
export interface ApiDeps {
  service: SubscriptionService;
  settings: Settings;
  templates: WebTemplates;
  log: Logger;
  now: () => Date;
}

/** The confirm and unsubscribe functions' (no mail); the subscribe function has its own, `subscribeApi`. */
export const api = lazyDeps<ApiDeps>(async () => (await import('../../wiring/aws/api.ts')).apiDepsFromEnv());
export const apiDeps = () => api.get();
