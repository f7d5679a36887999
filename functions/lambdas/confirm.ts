import { confirmHandler } from '../handlers/confirm.ts';
import { apiDeps } from '../wiring/api.ts';
import { publicationOnAws } from '../wiring/aws/publication.ts';
import { readEnv } from './env.ts';
import { onFirstCall } from './first-call.ts';

// Sends no mail: the bundle carries neither MJML nor an SES client.
const env = readEnv('confirm');

export const handler = onFirstCall(async () => confirmHandler(await apiDeps(await publicationOnAws(env, 'confirm'))));
