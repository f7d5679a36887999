import type { Context } from 'aws-lambda';
import * as z from '../core/schema.ts';
import { newsletterToPlan, planIssue, type PlanDeps, type PlanResult } from '../core/sending/plan.ts';

export interface PlanIssueHandlerDeps extends PlanDeps {
  now: () => Date;
}

/**
 * An EventBridge Scheduler invocation carries the scheduled time in its `time` (the schedule's target
 * input is `{ "time": "<aws.scheduler.scheduled-time>", "newsletter": "<id>" }`, one schedule per
 * newsletter); a manual invoke passes `{ "time": "…", "newsletter": "…" }` too, or nothing for "now" and
 * the legacy newsletter (a schedule made before newsletters names none).
 */
const eventSchema = z.looseObject({
  time: z.optional(z.iso.datetime({ offset: true })),
  newsletter: z.optional(z.string().check(z.regex(/^[a-z0-9-]{1,40}$/))),
});

/** Plans the issue of the event's newsletter and scheduled time (see core/sending/plan.ts). */
export function planIssueHandler(deps: PlanIssueHandlerDeps) {
  return async (event: unknown, context?: Context): Promise<PlanResult> => {
    const parsed = eventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`plan-issue event: ${issue.path.join('.') || 'event'}: ${issue.message}`);
    }
    const scheduled = parsed.data.time ? new Date(parsed.data.time) : deps.now();
    const newsletter = newsletterToPlan(deps.settings, parsed.data.newsletter);
    const result = await planIssue(deps, newsletter, scheduled, deps.now());
    deps.log.info('plan-issue done', { ...result, newsletter: newsletter.id, requestId: context?.awsRequestId });
    return result;
  };
}
