import type { Context } from 'aws-lambda';
import * as z from '../core/schema.ts';
import type { Logger } from '../core/ports.ts';
import { planIssue, type PlanDeps, type PlanResult } from '../core/sending/plan.ts';
import { lazyDeps } from './lazy.ts';

export const plan = lazyDeps<PlanDeps & { log: Logger; now: () => Date }>(async () => (await import('../wiring/aws/plan.ts')).planDepsFromEnv());

/**
 * An EventBridge Scheduler invocation carries the scheduled time in its `time` (the schedule's target
 * input is `{ "time": "<aws.scheduler.scheduled-time>" }`); a manual invoke passes `{ "time": "…" }`
 * too, or nothing for "now".
 */
const eventSchema = z.looseObject({ time: z.optional(z.iso.datetime({ offset: true })) });

export async function handler(event: unknown, context?: Context): Promise<PlanResult> {
  const deps = await plan.get();
  const parsed = eventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`plan-issue event: ${issue.path.join('.') || 'event'}: ${issue.message}`);
  }
  const scheduled = parsed.data.time ? new Date(parsed.data.time) : deps.now();
  const result = await planIssue(deps, scheduled, deps.now());
  deps.log.info('plan-issue done', { ...result, requestId: context?.awsRequestId });
  return result;
}
