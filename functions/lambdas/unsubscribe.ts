import { byPath } from '../handlers/http/paths.ts';
import { preferencesHandler } from '../handlers/preferences.ts';
import { unsubscribeHandler } from '../handlers/unsubscribe.ts';
import { apiDeps } from '../wiring/api.ts';
import { publicationOnAws } from '../wiring/aws/publication.ts';
import { readEnv } from './env.ts';
import { onFirstCall } from './first-call.ts';

// Unsubscribe and preferences: sends no mail, so the bundle carries neither MJML nor an SES client.
const env = readEnv('unsubscribe');

export const handler = onFirstCall(async () => {
  const deps = await apiDeps(await publicationOnAws(env, 'unsubscribe'));
  return byPath({ unsubscribe: unsubscribeHandler(deps), preferences: preferencesHandler(deps) });
});
