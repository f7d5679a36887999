const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Timings and sizes of the subscription lifecycle and of sending: every wiring uses these. */
export const POLICY = {
  /** A repeated subscribe request inside this window after a subscription mail went out sends no second mail. */
  confirmationCoolDownMs: 10 * MINUTE,
  /** A subscribe request is answered no sooner than this, whatever the address's state (so time tells nothing). */
  subscribeAnswerFloorMs: 250,
  /** How long a confirmation link works. */
  confirmLinkTtlMs: 2 * DAY,
  /** How long an unconfirmed address is kept. */
  pendingTtlMs: 7 * DAY,
  /** Recipients per delivery batch (one queue message). */
  batchSize: 50,
  /**
   * Recipients of a batch claimed with one write before their messages go out, and recorded with one
   * after: fewer writes per message with more, fewer recipients to check after a crash with less.
   */
  chunkSize: 10,
  /**
   * How long a chunk may stay claimed but unrecorded before it is taken as in doubt, and its recipients
   * that SES's Send events have not recorded are sent.
   */
  inDoubtMs: 15 * MINUTE,
  /**
   * On one machine: sends run one at a time (a lock) and the outbox knows what it wrote, so a claim left
   * by a crashed send can be taken at once.
   */
  localInDoubtMs: 0,
  /** How long an issue pauses when the daily sending quota is used up. */
  quotaPauseMs: 6 * HOUR,
  /** Sends in flight at once within one batch. */
  sendConcurrency: 8,
  /** Transient bounces after which an address is suppressed. */
  softBounceThreshold: 3,
} as const;
