import { emfMetrics } from '../adapters/emf-metrics.ts';
import { jsonLogger } from '../adapters/json-logger.ts';
import { deliverHandler } from '../handlers/deliver.ts';
import { deferOnSqs } from '../wiring/aws/defer.ts';
import { sesMailer } from '../wiring/aws/mail.ts';
import { tableStores } from '../wiring/aws/table.ts';
import { deliverDeps } from '../wiring/deliver.ts';
import { readEnv } from './env.ts';

// The issue carries its rendered digest and settings, and each recipient a signed unsubscribe token:
// the worker reads no content, renders nothing and holds no secret.
const env = readEnv('deliver');

export const handler = deliverHandler(
  deliverDeps({
    stores: tableStores(env.TABLE_NAME),
    mailer: sesMailer({ configurationSet: env.SES_CONFIGURATION_SET, maxSendRate: env.MAX_SEND_RATE }),
    log: jsonLogger({ service: 'deliver' }),
    metrics: emfMetrics(),
    defer: deferOnSqs(env.QUEUE_URL),
  }),
);
