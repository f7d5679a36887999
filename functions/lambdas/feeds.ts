import { codeVersion } from '../adapters/code-version.ts';
import { FileTemplateSource } from '../adapters/fs-templates.ts';
import { jsonLogger } from '../adapters/json-logger.ts';
import { SiteIssueArchive } from '../core/issue/publish.ts';
import { feedsHandler } from '../handlers/feeds.ts';
import { siteBuckets } from '../wiring/aws/buckets.ts';
import { tableStores } from '../wiring/aws/table.ts';
import { readEnv } from './env.ts';

const env = readEnv('feeds');
const templates = new FileTemplateSource(env.TEMPLATES_DIR);

export const handler = feedsHandler({
  ...siteBuckets({ content: env.CONTENT_BUCKET, site: env.SITE_BUCKET }),
  templates,
  // The digest's archive, from the issues in the table (the planner writes each issue's page too).
  archive: new SiteIssueArchive({ issues: tableStores(env.TABLE_NAME).issues, templates }),
  // Parsed articles are kept in the site bucket between cold starts, keyed by this bundle.
  codeVersion: codeVersion(),
  log: jsonLogger({ service: 'feeds' }),
  now: () => new Date(),
});
