import { apiMail } from '../confirmation-mail.ts';
import { buildApiDeps } from '../services-api.ts';
import { common } from './common.ts';
import { sesMailer } from './mail.ts';

/** The subscribe function's dependencies on AWS: the API's, and SES for the confirmation mail. */
export async function subscribeDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const c = await common('api', env);
  return buildApiDeps({ ...c, mail: apiMail({ ...c, mailer: sesMailer(env) }) });
}
