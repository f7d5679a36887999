import { planIssueHandler } from '../handlers/plan-issue.ts';
import { publicationOnAws } from '../wiring/aws/publication.ts';
import { sqsQueue } from '../wiring/aws/queue.ts';
import { planDeps } from '../wiring/plan.ts';
import { readEnv } from './env.ts';
import { onFirstCall } from './first-call.ts';

const env = readEnv('plan-issue');

export const handler = onFirstCall(async () => planIssueHandler(planDeps({ ...(await publicationOnAws(env, 'plan-issue')), queue: sqsQueue(env.QUEUE_URL) })));
