import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import * as z from '../core/schema.ts';
import { jsonLogger } from '../adapters/json-logger.ts';
import { S3ContentSource } from '../adapters/s3-content.ts';
import { S3SiteOutput } from '../adapters/s3-output.ts';
import { FileTemplateSource } from '../adapters/fs-templates.ts';
import type { BuildDeps } from '../core/site/build.ts';
import { optional, readEnv, required } from './env.ts';
import { localBuildDeps } from './local.ts';
import { DEFAULT_TEMPLATES } from './paths.ts';


/**
 * The templates directory when `TEMPLATES_DIR` is not set: the copy beside the bundle this code was
 * bundled into (a Lambda package carries `templates/` next to `index.mjs`), else the project's own.
 */
function defaultTemplates(): string {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), 'templates');
  return existsSync(bundled) ? bundled : DEFAULT_TEMPLATES;
}

export interface FeedsClients {
  /** The S3 client to use for buckets; by default one for the Lambda's own region and credentials. */
  s3?: S3Client;
}

/**
 * Site-build dependencies for the feeds Lambda, from its environment: buckets on AWS
 * (`CONTENT_BUCKET`, optional `CONTENT_PREFIX`, `SITE_BUCKET`), directories elsewhere (`CONTENT_DIR`,
 * `SITE_DIR`). Templates come from `TEMPLATES_DIR`, or the `templates/` bundled beside the code, or the
 * project's.
 */
export function feedsDepsFromEnv(env: NodeJS.ProcessEnv = process.env, clients: FeedsClients = {}): BuildDeps {
  const log = jsonLogger({ service: 'feeds' });
  if (env.CONTENT_BUCKET !== undefined || env.SITE_BUCKET !== undefined) {
    const config = readEnv(
      { CONTENT_BUCKET: required, CONTENT_PREFIX: optional(z.string()), SITE_BUCKET: required, TEMPLATES_DIR: optional(required) },
      env,
    );
    const s3 = clients.s3 ?? new S3Client({});
    return {
      content: new S3ContentSource(s3, { bucket: config.CONTENT_BUCKET, prefix: config.CONTENT_PREFIX }),
      output: new S3SiteOutput(s3, { bucket: config.SITE_BUCKET }),
      templates: new FileTemplateSource(config.TEMPLATES_DIR ?? defaultTemplates()),
      log,
    };
  }
  if (env.CONTENT_DIR === undefined && env.SITE_DIR === undefined) {
    throw new Error('Set CONTENT_BUCKET and SITE_BUCKET (on AWS) or CONTENT_DIR and SITE_DIR (on one machine) to say where the site is built from and to');
  }
  const config = readEnv({ CONTENT_DIR: required, SITE_DIR: required, TEMPLATES_DIR: optional(required) }, env);
  return localBuildDeps({ content: config.CONTENT_DIR, out: config.SITE_DIR, templates: config.TEMPLATES_DIR ?? defaultTemplates() }, log);
}
