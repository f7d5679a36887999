export interface Recipient {
  id: string;
  email: string;
  /**
   * Signed by the planner, so the delivery worker never holds the signing key (which could also make
   * confirmation links) and needs no secret to start.
   */
  unsubscribeToken: string;
  /** The signed preferences link's token, signed by the planner too (absent in batches planned before newsletters). */
  preferencesToken?: string | undefined;
}

/** What travels on the queue: one batch of one issue. */
export interface BatchMessage {
  issueId: string;
  batch: number;
  recipients: Recipient[];
}

export interface ListState {
  /** End of the last sent issue's window: the next issue starts after it. */
  watermark?: Date | undefined;
  lastIssueId?: string | undefined;
  /** An issue that is planned but not yet sent to everyone. */
  openIssueId?: string | undefined;
}

export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'skipped' | 'released';

export type ClaimOutcome = 'claimed' | 'sent' | 'failed' | 'skipped' | 'busy';

export interface IssueCounts {
  sent?: number;
  skipped?: number;
  failed?: number;
}
