import { planIssueHandler } from '../handlers/plan-issue.ts';
import { publicationOnAws } from '../wiring/aws/publication.ts';
import { sqsQueue } from '../wiring/aws/queue.ts';
import { readEnv } from './env.ts';
import { onFirstCall } from './first-call.ts';

const env = readEnv('plan-issue');

export const handler = onFirstCall(async () => {
  // The planner renders MJML: its code loads on the first call, while the settings and the key are fetched.
  const [{ planDeps }, publication] = await Promise.all([import('../wiring/plan.ts'), publicationOnAws(env, 'plan-issue')]);
  return planIssueHandler(planDeps({ ...publication, queue: sqsQueue(env.QUEUE_URL) }));
});
