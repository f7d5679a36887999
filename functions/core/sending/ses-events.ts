import * as z from '../schema.ts';
import type { Logger } from '../ports.ts';
import { normaliseEmail } from '../subscribers/identity.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import type { DeliveryStore } from './ports.ts';

const recipients = z._default(z.array(z.object({ emailAddress: z.string() })), []);

/** An SES event (configuration-set event publishing) or notification (identity feedback), as SNS carries it. */
export const sesEventSchema = z.looseObject({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: z.looseObject({
    messageId: z.string(),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(z.looseObject({ bounceType: z.string(), bounceSubType: z.optional(z.string()), bouncedRecipients: recipients })),
  complaint: z.optional(z.looseObject({ complainedRecipients: recipients, complaintFeedbackType: z.optional(z.string()) })),
});

export type SesEvent = z.infer<typeof sesEventSchema>;

export interface SesEventDeps {
  subscribers: SubscriberStore;
  deliveries: DeliveryStore;
  log: Logger;
  /** Transient bounces that suppress an address. */
  softBounceThreshold: number;
}

export interface SesEventResult {
  type: string;
  suppressed: number;
  counted: number;
  recorded: number;
}

/**
 * Applies one SES event: a permanent bounce or a complaint suppresses the address for good; transient
 * bounces are counted and suppress at the threshold; a "Send" event records the delivery as sent
 * (closing the gap when a worker died after SES accepted the message).
 */
export async function applySesEvent(deps: SesEventDeps, event: SesEvent, now: Date): Promise<SesEventResult> {
  const type = event.eventType ?? event.notificationType ?? 'Unknown';
  const result: SesEventResult = { type, suppressed: 0, counted: 0, recorded: 0 };
  const addresses = (list: { emailAddress: string }[]) =>
    list.flatMap((r) => {
      const parsed = normaliseEmail(r.emailAddress.replace(/^.*<([^>]+)>.*$/, '$1'));
      return parsed.ok ? [parsed.email] : [];
    });
  if (type === 'Bounce' && event.bounce) {
    const permanent = event.bounce.bounceType === 'Permanent';
    for (const email of addresses(event.bounce.bouncedRecipients)) {
      if (permanent) {
        if (await deps.subscribers.suppress(email, `bounce: ${event.bounce.bounceSubType ?? 'permanent'}`, now, 'bounce')) result.suppressed++;
      } else {
        const outcome = await deps.subscribers.recordSoftBounce(email, now, deps.softBounceThreshold);
        if (outcome === 'suppressed') result.suppressed++;
        if (outcome !== 'missing') result.counted++;
      }
    }
  } else if (type === 'Complaint' && event.complaint) {
    for (const email of addresses(event.complaint.complainedRecipients)) {
      if (await deps.subscribers.suppress(email, `complaint${event.complaint.complaintFeedbackType ? `: ${event.complaint.complaintFeedbackType}` : ''}`, now, 'complaint')) {
        result.suppressed++;
      }
    }
  } else if (type === 'Send') {
    const issue = event.mail.tags?.issue?.[0];
    const subscriber = event.mail.tags?.subscriber?.[0];
    if (issue && subscriber) {
      await deps.deliveries.markSent(issue, subscriber, event.mail.messageId, now);
      result.recorded++;
    }
  }
  deps.log.info('ses event applied', { ...result, messageId: event.mail.messageId });
  return result;
}
