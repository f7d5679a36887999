import type { Logger, Mailer } from '../core/ports.ts';
import type { DeliveryStore, DeliveryTally, IssueStore } from '../core/sending/ports.ts';
import { applySesEvent, type SesEventDeps } from '../core/sending/ses-events.ts';

/**
 * On one machine the outbox stands in for SES and its configuration set: each issue message the outbox
 * holds (written now, or written before a crash and answered for again) is recorded as SES's Send and
 * Delivery events record it on AWS, through the same code. So the issue's records and counts, and the
 * claims in doubt after a crash, work as they do there; the outbox counts as delivered.
 */
export function recordingOutbox(outbox: Mailer, deps: SesEventDeps, now: () => Date): Mailer {
  // One line per batch is what a send logs; the events' own lines are left out.
  const log: Logger = { ...deps.log, info: () => undefined };
  const events = { ...deps, log };
  return {
    async send(message) {
      const sent = await outbox.send(message);
      const { issue, subscriber } = message.tags ?? {};
      if (issue && subscriber) {
        const timestamp = now().toISOString();
        const mail = { messageId: sent.messageId, timestamp, tags: { issue: [issue], subscriber: [subscriber] } };
        await applySesEvent(events, { eventType: 'Send', mail }, now());
        await applySesEvent(events, { eventType: 'Delivery', mail, delivery: { timestamp } }, now());
      }
      return sent;
    },
  };
}

/**
 * After a local send of an issue: a message the outbox wrote whose Delivery a crash cut off (its Send
 * recorded, so it is not sent again) is recorded as delivered, and the issue's delivered figure is set to
 * the records' count, which no crash between an event and its count can then leave short.
 */
export async function settleDelivered(stores: { deliveries: DeliveryStore & DeliveryTally; issues: IssueStore }, issueId: string, now: () => Date): Promise<void> {
  let tally = await stores.deliveries.eventTally(issueId, 'delivered');
  if (tally.missing.length > 0) {
    for (const subscriber of tally.missing) await stores.deliveries.recordEvent(issueId, subscriber, 'delivered', now());
    tally = await stores.deliveries.eventTally(issueId, 'delivered');
  }
  const issue = await stores.issues.getIssue(issueId);
  if (issue && issue.delivered !== tally.counted) await stores.issues.addCounts(issueId, { delivered: tally.counted - issue.delivered });
}
