import { confirmHandler } from '../handlers/confirm.ts';
import { apiDeps } from '../wiring/api.ts';
import { sesMailer } from '../wiring/aws/mail.ts';
import { publicationOnAws } from '../wiring/aws/publication.ts';
import { apiMail } from '../wiring/confirmation-mail.ts';
import { readEnv } from './env.ts';
import { onFirstCall } from './first-call.ts';

// Sends the welcome mail once a request is confirmed: it carries its renderer (MJML, loaded on first use) and SES.
const env = readEnv('confirm');
const mailer = sesMailer({ configurationSet: env.SES_CONFIGURATION_SET, maxSendRate: env.MAX_SEND_RATE });

export const handler = onFirstCall(async () => {
  const publication = await publicationOnAws(env, 'confirm');
  return confirmHandler(await apiDeps({ ...publication, mail: apiMail({ ...publication, mailer }) }));
});
