import { resolve } from 'node:path';
import { FileContentSource } from '../../adapters/fs-content.ts';
import * as z from '../../core/schema.ts';
import { loadSettings } from '../../core/settings.ts';
import { optional, positiveNumber, readVariables, required } from '../env.ts';
import { contentBucket, siteBucket } from './buckets.ts';
import { sesMailer } from './mail.ts';
import { tokenKeyFromEnv } from './secret.ts';
import { tableStores } from './table.ts';

/**
 * The CLI's parts against AWS, from the operator's environment (standard AWS region, credentials and
 * `AWS_ENDPOINT_URL_*`): `TABLE_NAME`; `CONTENT_BUCKET` (optional `CONTENT_PREFIX`) or the content
 * directory; `TOKEN_SECRET` or `TOKEN_SECRET_PARAM`; SES with `SES_CONFIGURATION_SET` and `MAX_SEND_RATE`;
 * `SITE_BUCKET`, where a send writes its issue's archive page (without it, the next site build does).
 */
export async function operatorParts(env: NodeJS.ProcessEnv, contentDir: string) {
  const vars = readVariables(
    {
      TABLE_NAME: required,
      // Empty is unset: the content directory is read instead.
      CONTENT_BUCKET: optional(z.string()),
      CONTENT_PREFIX: optional(z.string()),
      SES_CONFIGURATION_SET: optional(required),
      MAX_SEND_RATE: optional(positiveNumber),
      SITE_BUCKET: optional(required),
    },
    env,
  );
  const content = vars.CONTENT_BUCKET ? contentBucket(vars.CONTENT_BUCKET, vars.CONTENT_PREFIX) : new FileContentSource(resolve(contentDir));
  const [settings, tokenKey] = await Promise.all([loadSettings(content), tokenKeyFromEnv(env)]);
  return {
    settings,
    content,
    stores: tableStores(vars.TABLE_NAME),
    mailer: sesMailer({ configurationSet: vars.SES_CONFIGURATION_SET, maxSendRate: vars.MAX_SEND_RATE }),
    site: vars.SITE_BUCKET ? siteBucket(vars.SITE_BUCKET) : undefined,
    tokenKey,
  };
}
