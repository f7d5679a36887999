/** pending → confirmed → unsubscribed; suppressed (bounce or complaint) from any state. */
export type SubscriberState = 'pending' | 'confirmed' | 'unsubscribed' | 'suppressed';

export const SUBSCRIBER_STATES: readonly SubscriberState[] = ['pending', 'confirmed', 'unsubscribed', 'suppressed'];

export interface Subscriber {
  /** Opaque id derived from the address (identity.ts). */
  id: string;
  /** Normalised address. */
  email: string;
  state: SubscriberState;
  /** Bumped by every subscribe request and unsubscribe: a confirmation link is valid only for its version. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  confirmedAt?: Date | undefined;
  unsubscribedAt?: Date | undefined;
  suppressedAt?: Date | undefined;
  suppressedReason?: string | undefined;
  /** Transient bounces since the last delivery; suppressed at the threshold. */
  softBounces: number;
  /** When the last confirmation mail was sent (repeated requests inside the cool-down send nothing). */
  confirmationSentAt?: Date | undefined;
}

/** What one page of a subscriber listing holds. */
export interface SubscriberPage {
  items: Subscriber[];
  /** The id to page on from (the last item's); absent on the last page. */
  cursor?: string | undefined;
}

export type ConfirmOutcome = 'confirmed' | 'already-confirmed' | 'stale' | 'missing';
export type UnsubscribeOutcome = 'unsubscribed' | 'already' | 'missing';

/** Subscribers, keyed by id; addresses unique because the id derives from the address. */
export interface SubscriberStore {
  get(id: string): Promise<Subscriber | undefined>;
  /** Several subscribers at once (one round trip per hundred); missing ids are absent from the map. */
  getMany(ids: readonly string[]): Promise<Map<string, Subscriber>>;
  /**
   * Creates the subscriber as pending, or moves an existing pending/unsubscribed one to a new pending
   * version, and records that a confirmation is being sent. Returns undefined when nothing should be
   * sent: already confirmed, suppressed, or a confirmation went out less than `coolDownMs` ago.
   */
  requestConfirmation(email: string, now: Date, coolDownMs: number, pendingExpiry: Date): Promise<Subscriber | undefined>;
  confirm(id: string, version: number, now: Date): Promise<ConfirmOutcome>;
  unsubscribe(id: string, now: Date): Promise<UnsubscribeOutcome>;
  /** Adds a confirmed subscriber directly (operator import); returns false when the address already exists. */
  addConfirmed(email: string, now: Date): Promise<boolean>;
  /** Suppresses an address for good (permanent bounce, complaint). */
  suppress(email: string, reason: string, now: Date): Promise<boolean>;
  /** Counts a transient bounce; suppresses at `threshold`. */
  recordSoftBounce(email: string, now: Date, threshold: number): Promise<'counted' | 'suppressed' | 'missing'>;
  /** Pages through subscribers in one state, ordered by id, starting after the id `after`. */
  pageByState(state: SubscriberState, after: string | undefined, limit: number): Promise<SubscriberPage>;
  countByState(): Promise<Record<SubscriberState, number>>;
}
