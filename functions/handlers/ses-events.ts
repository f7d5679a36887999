import type { SNSEvent } from 'aws-lambda';
import { applySesEvent, sesEventSchema, type SesEventDeps } from '../core/sending/ses-events.ts';

export interface SesEventsHandlerDeps extends SesEventDeps {
  now: () => Date;
}

/** SES's events (send, delivery, bounce, complaint, reject, open, click) delivered by SNS. */
export function sesEventsHandler(deps: SesEventsHandlerDeps) {
  return async (event: SNSEvent): Promise<{ applied: number; ignored: number }> => {
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
  };
}
