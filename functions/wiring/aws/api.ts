import { buildApiDeps } from '../services-api.ts';
import { common } from './common.ts';

/** The confirm and unsubscribe functions' dependencies on AWS: they send no mail. */
export async function apiDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  return buildApiDeps(await common('api', env));
}
