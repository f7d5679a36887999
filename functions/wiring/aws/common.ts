import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { DynamoDeliveryStore } from '../../adapters/dynamo/deliveries.ts';
import { DynamoIssueStore } from '../../adapters/dynamo/issues.ts';
import { DynamoSubscriberStore } from '../../adapters/dynamo/subscribers.ts';
import { documentClient } from '../../adapters/dynamo/table.ts';
import { FileContentSource } from '../../adapters/fs-content.ts';
import { FileTemplateSource } from '../../adapters/fs-templates.ts';
import { jsonLogger } from '../../adapters/json-logger.ts';
import { S3ContentSource } from '../../adapters/s3-content.ts';
import { SesMailer } from '../../adapters/ses-mailer.ts';
import type { ContentSource, Logger, Mailer, TemplateSource } from '../../core/ports.ts';
import { loadSettings } from '../../core/settings.ts';
import type { Settings } from '../../core/settings.ts';
import { readEnv } from '../env.ts';
import { DEFAULT_TEMPLATES } from '../paths.ts';
import type { Stores } from '../services.ts';

const name = z.string().min(1);
const optionalNumber = z.coerce.number().positive().optional();

/** The token signing key: `TOKEN_SECRET` itself, or an SSM SecureString named by `TOKEN_SECRET_PARAM`. */
export async function tokenKeyFromEnv(env: NodeJS.ProcessEnv, ssm: () => SSMClient = () => new SSMClient({})): Promise<string> {
  if (env.TOKEN_SECRET) return env.TOKEN_SECRET;
  const { TOKEN_SECRET_PARAM } = readEnv({ TOKEN_SECRET_PARAM: name }, env);
  const out = await ssm().send(new GetParameterCommand({ Name: TOKEN_SECRET_PARAM, WithDecryption: true }));
  const value = out.Parameter?.Value;
  if (!value || Buffer.byteLength(value) < 32) throw new Error(`SSM parameter ${TOKEN_SECRET_PARAM} must hold a secret of at least 32 bytes`);
  return value;
}

/** Content from `CONTENT_BUCKET` (optional `CONTENT_PREFIX`) on AWS, or `CONTENT_DIR` on one machine. */
export function contentFromEnv(env: NodeJS.ProcessEnv): ContentSource {
  if (env.CONTENT_BUCKET) return new S3ContentSource(new S3Client({}), { bucket: env.CONTENT_BUCKET, prefix: env.CONTENT_PREFIX });
  const { CONTENT_DIR } = readEnv({ CONTENT_DIR: name }, env);
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
  const { TABLE_NAME, TEMPLATES_DIR } = readEnv({ TABLE_NAME: name, TEMPLATES_DIR: name.optional() }, env);
  const content = contentFromEnv(env);
  const docs = documentClient(new DynamoDBClient({}));
  const [settings, tokenKey] = await Promise.all([loadSettings(content), tokenKeyFromEnv(env)]);
  return {
    settings,
    content,
    templates: new FileTemplateSource(TEMPLATES_DIR ?? DEFAULT_TEMPLATES),
    stores: {
      subscribers: new DynamoSubscriberStore(docs, TABLE_NAME),
      issues: new DynamoIssueStore(docs, TABLE_NAME),
      deliveries: new DynamoDeliveryStore(docs, TABLE_NAME),
    },
    tokenKey,
    log: jsonLogger({ service }),
  };
}

export function sesMailer(env: NodeJS.ProcessEnv): Mailer {
  const { SES_CONFIGURATION_SET, MAX_SEND_RATE } = readEnv({ SES_CONFIGURATION_SET: name.optional(), MAX_SEND_RATE: optionalNumber }, env);
  // One attempt per SDK call: the mailer paces and retries throttling itself.
  return new SesMailer(new SESClient({ maxAttempts: 1 }), { configurationSet: SES_CONFIGURATION_SET, maxSendRate: MAX_SEND_RATE });
}
