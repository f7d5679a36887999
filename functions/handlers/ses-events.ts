import type { SNSEvent } from 'aws-lambda';
import { applySesEvent, sesEventSchema, type SesEventDeps } from '../core/sending/ses-events.ts';
import { lazyDeps } from './lazy.ts';

export const sesEvents = lazyDeps<SesEventDeps & { now: () => Date }>(async () => (await import('../wiring/aws/ses-events.ts')).sesEventDepsFromEnv());

/** SES bounce, complaint and send events delivered by SNS. */
export async function handler(event: SNSEvent): Promise<{ applied: number; ignored: number }> {
  const deps = await sesEvents.get();
  let applied = 0;
  let ignored = 0;
  for (const record of event.Records) {
    let parsed;
    try {
      parsed = sesEventSchema.safeParse(JSON.parse(record.Sns.Message));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      deps.log.warn('SNS message is not an SES event; ignored', { messageId: record.Sns.MessageId });
      ignored++;
      continue;
    }
    await applySesEvent(deps, parsed.data, deps.now());
    applied++;
  }
  return { applied, ignored };
}
