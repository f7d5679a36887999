import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SendStarter } from '../../core/admin/ports.ts';

/**
 * "Send now" on AWS: the plan function invoked asynchronously (InvocationType Event) with the time and the
 * newsletter, exactly as its schedule invokes it; its retries and errors alarm are the schedule's too.
 */
export function planInvoker(functionName: string, lambda: LambdaClient = new LambdaClient({})): SendStarter {
  return {
    async start(issueId, at, newsletter) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify({ time: at.toISOString(), newsletter })) }));
      if (out.StatusCode !== 202) return { kind: 'refused', issueId, reason: `the plan function answered ${out.StatusCode ?? 'nothing'}` };
      return { kind: 'started', issueId };
    },
  };
}
