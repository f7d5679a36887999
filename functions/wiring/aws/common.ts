import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { dynamoStores } from '../../adapters/dynamo/stores.ts';
import { documentClient } from '../../adapters/dynamo/table.ts';
import { FileContentSource } from '../../adapters/fs-content.ts';
import { FileTemplateSource } from '../../adapters/fs-templates.ts';
import { jsonLogger } from '../../adapters/json-logger.ts';
import { S3ContentSource } from '../../adapters/s3-content.ts';
import type { ContentSource, Logger, TemplateSource } from '../../core/ports.ts';
import { loadSettings } from '../../core/settings.ts';
import type { Settings } from '../../core/settings.ts';
import { optional, readEnv, required } from '../env.ts';
import { tokenKeyFromEnv } from './secret.ts';

export { tokenKeyFromEnv } from './secret.ts';
import { DEFAULT_TEMPLATES } from '../paths.ts';
import type { Stores } from '../services.ts';

/** Content from `CONTENT_BUCKET` (optional `CONTENT_PREFIX`) on AWS, or `CONTENT_DIR` on one machine. */
export function contentFromEnv(env: NodeJS.ProcessEnv): ContentSource {
  if (env.CONTENT_BUCKET) return new S3ContentSource(new S3Client({}), { bucket: env.CONTENT_BUCKET, prefix: env.CONTENT_PREFIX });
  const { CONTENT_DIR } = readEnv({ CONTENT_DIR: required }, env);
  return new FileContentSource(CONTENT_DIR);
}

export interface Common {
  settings: Settings;
  content: ContentSource;
  templates: TemplateSource;
  stores: Stores;
  tokenKey: string;
  log: Logger;
}

export async function common(service: string, env: NodeJS.ProcessEnv): Promise<Common> {
  const { TABLE_NAME, TEMPLATES_DIR } = readEnv({ TABLE_NAME: required, TEMPLATES_DIR: optional(required) }, env);
  const content = contentFromEnv(env);
  const docs = documentClient(new DynamoDBClient({}));
  const [settings, tokenKey] = await Promise.all([loadSettings(content), tokenKeyFromEnv(env)]);
  return {
    settings,
    content,
    templates: new FileTemplateSource(TEMPLATES_DIR ?? DEFAULT_TEMPLATES),
    stores: dynamoStores(docs, TABLE_NAME),
    tokenKey,
    log: jsonLogger({ service }),
  };
}

