import { FileTemplateSource } from '../adapters/fs-templates.ts';
import { jsonLogger } from '../adapters/json-logger.ts';
import { feedsHandler } from '../handlers/feeds.ts';
import { siteBuckets } from '../wiring/aws/buckets.ts';
import { readEnv } from './env.ts';

const env = readEnv('feeds');

export const handler = feedsHandler({
  ...siteBuckets({ content: env.CONTENT_BUCKET, site: env.SITE_BUCKET }),
  templates: new FileTemplateSource(env.TEMPLATES_DIR),
  log: jsonLogger({ service: 'feeds' }),
  now: () => new Date(),
});
