import { buildApiDeps } from '../services-api.ts';
import { common, sesMailer } from './common.ts';

/** The HTTP API's dependencies on AWS. */
export async function apiDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const c = await common('api', env);
  return buildApiDeps({ ...c, mailer: sesMailer(env) });
}
