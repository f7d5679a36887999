import type { SubscriberState } from '../subscribers/types.ts';

/** The times one subscriber record carries, as the weekly growth counts them. */
export interface SubscriberTimes {
  confirmedAt?: Date | undefined;
  unsubscribedAt?: Date | undefined;
  suppressedAt?: Date | undefined;
}

/**
 * Subscribers' times only, page by page in one state: what the overview's weekly growth reads. An
 * adapter reads a small projection (three times, no ledger), so a scan of the whole list moves little.
 */
export interface SubscriberTimeline {
  times(state: SubscriberState, after: string | undefined, limit: number): Promise<{ items: SubscriberTimes[]; cursor?: string | undefined }>;
}

/** What asking for "send now" started. */
export type SendStart =
  /** The planner was asked (on AWS, an asynchronous invocation): progress shows on the issue record. */
  | { kind: 'started'; issueId: string }
  /** It finished at once (locally: nothing new to send, or a small list). */
  | { kind: 'finished'; issueId: string; detail: string }
  /** It could not start (another send runs on this machine). */
  | { kind: 'refused'; issueId: string; reason: string };

/**
 * Starts planning (and, locally, delivering) the issue of `newsletter` due at `at`, which is never after now: on AWS
 * the plan function is invoked asynchronously; on one machine the local send runs in the server.
 */
export interface SendStarter {
  start(issueId: string, at: Date, newsletter: string): Promise<SendStart>;
}
