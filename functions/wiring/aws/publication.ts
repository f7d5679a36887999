import { FileTemplateSource } from '../../adapters/fs-templates.ts';
import { jsonLogger } from '../../adapters/json-logger.ts';
import type { ContentSource, Logger, TemplateSource } from '../../core/ports.ts';
import { loadSettings, type Settings } from '../../core/settings.ts';
import type { Stores } from '../stores.ts';
import { contentBucket } from './buckets.ts';
import { tokenKeyFromSsm } from './secret.ts';
import { tableStores } from './table.ts';

/** What the functions that read the publication and sign links (plan-issue and the API) share on AWS. */
export interface Publication {
  settings: Settings;
  content: ContentSource;
  templates: TemplateSource;
  stores: Stores;
  tokenKey: string;
  log: Logger;
}

/** Reads the settings from the content bucket and the signing key from SSM (both once per container). */
export async function publicationOnAws(
  env: { CONTENT_BUCKET: string; TEMPLATES_DIR: string; TABLE_NAME: string; TOKEN_SECRET_PARAM: string },
  service: string,
): Promise<Publication> {
  const content = contentBucket(env.CONTENT_BUCKET);
  const [settings, tokenKey] = await Promise.all([loadSettings(content), tokenKeyFromSsm(env.TOKEN_SECRET_PARAM)]);
  return { settings, content, templates: new FileTemplateSource(env.TEMPLATES_DIR), stores: tableStores(env.TABLE_NAME), tokenKey, log: jsonLogger({ service }) };
}
