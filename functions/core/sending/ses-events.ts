import * as z from '../schema.ts';
import type { IssueEventCount } from '../issue/types.ts';
import type { Logger } from '../ports.ts';
import { normaliseEmail } from '../subscribers/identity.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import { EVENT_METRIC, type EventMetric } from './metrics.ts';
import type { DeliveryStore, IssueStore, MetricsSink } from './ports.ts';

const recipients = z._default(z.array(z.object({ emailAddress: z.string() })), []);
const timed = z.optional(z.looseObject({ timestamp: z.optional(z.string()) }));

/** An SES event (configuration-set event publishing) or notification (identity feedback), as SNS carries it. */
export const sesEventSchema = z.looseObject({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: z.looseObject({
    messageId: z.string(),
    timestamp: z.optional(z.string()),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(z.looseObject({ bounceType: z.string(), bounceSubType: z.optional(z.string()), bouncedRecipients: recipients, timestamp: z.optional(z.string()) })),
  complaint: z.optional(z.looseObject({ complainedRecipients: recipients, complaintFeedbackType: z.optional(z.string()), timestamp: z.optional(z.string()) })),
  delivery: timed,
  open: timed,
  click: timed,
});

export type SesEvent = z.infer<typeof sesEventSchema>;

export interface SesEventDeps {
  subscribers: SubscriberStore;
  deliveries: DeliveryStore;
  issues: Pick<IssueStore, 'addCounts'>;
  metrics?: MetricsSink<EventMetric> | undefined;
  log: Logger;
  /** Transient bounces that suppress an address. */
  softBounceThreshold: number;
}

export interface SesEventResult {
  type: string;
  suppressed: number;
  /** Transient bounces counted against a subscriber. */
  softBounces: number;
  /** Send events recorded on the delivery record. */
  recorded: number;
  /** The issue count this event added to, when it was the first of its kind for the message. */
  counted?: IssueEventCount | undefined;
}

/** The issue count each event type adds to (a bounce only when permanent: what SES's bounce rate counts). */
const COUNTED: Record<string, IssueEventCount> = {
  Delivery: 'delivered',
  Bounce: 'bounced',
  Complaint: 'complained',
  Reject: 'rejected',
  Open: 'opened',
  Click: 'clicked',
};

/** When the event happened, as SES says (else when it arrived). */
function eventTime(event: SesEvent, now: Date): Date {
  const stamp = event.delivery?.timestamp ?? event.bounce?.timestamp ?? event.complaint?.timestamp ?? event.open?.timestamp ?? event.click?.timestamp ?? event.mail.timestamp;
  const at = stamp ? new Date(stamp) : now;
  return Number.isNaN(at.getTime()) ? now : at;
}

/**
 * Applies one SES event. A permanent bounce or a complaint suppresses the address for good; transient
 * bounces are counted and suppress at the threshold. A Send event records the delivery as sent (the
 * sender records only skips and failures). Delivery, a permanent bounce, a complaint, a reject, an open
 * and a click set their time on the delivery record if it is not set yet, and only then add one to
 * the issue's count: a duplicated or retried event counts once, and opens and clicks count each
 * recipient once. The issue and subscriber come from the message's tags.
 */
export async function applySesEvent(deps: SesEventDeps, event: SesEvent, now: Date): Promise<SesEventResult> {
  const type = event.eventType ?? event.notificationType ?? 'Unknown';
  const result: SesEventResult = { type, suppressed: 0, softBounces: 0, recorded: 0 };
  const addresses = (list: { emailAddress: string }[]) =>
    list.flatMap((r) => {
      const parsed = normaliseEmail(r.emailAddress.replace(/^.*<([^>]+)>.*$/, '$1'));
      return parsed.ok ? [parsed.email] : [];
    });
  const permanent = event.bounce?.bounceType === 'Permanent';
  if (type === 'Bounce' && event.bounce) {
    for (const email of addresses(event.bounce.bouncedRecipients)) {
      if (permanent) {
        if (await deps.subscribers.suppress(email, `bounce: ${event.bounce.bounceSubType ?? 'permanent'}`, now, 'bounce')) result.suppressed++;
      } else {
        const outcome = await deps.subscribers.recordSoftBounce(email, now, deps.softBounceThreshold);
        if (outcome === 'suppressed') result.suppressed++;
        if (outcome !== 'missing') result.softBounces++;
      }
    }
  } else if (type === 'Complaint' && event.complaint) {
    for (const email of addresses(event.complaint.complainedRecipients)) {
      if (await deps.subscribers.suppress(email, `complaint${event.complaint.complaintFeedbackType ? `: ${event.complaint.complaintFeedbackType}` : ''}`, now, 'complaint')) {
        result.suppressed++;
      }
    }
  }
  const issue = event.mail.tags?.issue?.[0];
  const subscriber = event.mail.tags?.subscriber?.[0];
  if (issue && subscriber) {
    if (type === 'Send') {
      await deps.deliveries.markSent(issue, subscriber, event.mail.messageId, eventTime(event, now));
      result.recorded++;
    }
    const kind = COUNTED[type];
    if (kind && (type !== 'Bounce' || permanent) && (await deps.deliveries.recordEvent(issue, subscriber, kind, eventTime(event, now)))) {
      await deps.issues.addCounts(issue, { [kind]: 1 });
      deps.metrics?.publish({ [EVENT_METRIC[kind]]: 1 });
      result.counted = kind;
    }
  }
  deps.log.info('ses event applied', { ...result, messageId: event.mail.messageId, issueId: issue });
  return result;
}
