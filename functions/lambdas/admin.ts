import { adminHandler } from '../handlers/admin.ts';
import { adminDeps } from '../wiring/admin.ts';
import { siteBucket } from '../wiring/aws/buckets.ts';
import { sesMailer } from '../wiring/aws/mail.ts';
import { planInvoker } from '../wiring/aws/plan-invoker.ts';
import { publicationOnAws } from '../wiring/aws/publication.ts';
import { readEnv } from './env.ts';
import { onFirstCall } from './first-call.ts';

// The console's API: every /api/admin/* route, each behind the HTTP API's JWT authorizer.
const env = readEnv('admin');
const mailer = sesMailer({ configurationSet: env.SES_CONFIGURATION_SET, maxSendRate: env.MAX_SEND_RATE });

export const handler = onFirstCall(async () => {
  const publication = await publicationOnAws(env, 'admin');
  return adminHandler(adminDeps({ ...publication, mailer, starter: planInvoker(env.PLAN_FUNCTION), site: siteBucket(env.SITE_BUCKET) }));
});
