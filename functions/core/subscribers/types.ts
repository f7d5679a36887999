/**
 * pending → confirmed → unsubscribed; suppressed (bounce or complaint) from any state. An opt-out
 * (unsubscribed, suppressed) holds until the person confirms from their mailbox again: a request to
 * subscribe sits beside it (`request`) and changes nothing until then.
 */
export type SubscriberState = 'pending' | 'confirmed' | 'unsubscribed' | 'suppressed';

export const SUBSCRIBER_STATES: readonly SubscriberState[] = ['pending', 'confirmed', 'unsubscribed', 'suppressed'];

/** Where a change of consent came from. */
export type ConsentSource =
  | 'form'
  | 'confirmation-link'
  | 'one-click'
  | 'unsubscribe-page'
  | 'preferences'
  | 'cli'
  | 'import'
  | 'console'
  | 'bounce'
  | 'complaint'
  | 'transient-bounces';

export type ConsentEventType =
  | 'subscribe-requested'
  | 'confirmed'
  | 'unsubscribed'
  | 'suppressed'
  | 'added'
  | 'imported'
  | 'request-withdrawn'
  /** Joined one newsletter (`newsletter`), by the person's own action (preferences, a confirmation). */
  | 'joined'
  /** Left one newsletter (`newsletter`): its opt-out, kept in `optOuts` too. */
  | 'left';

/** One entry of a subscriber's consent ledger. */
export interface ConsentEvent {
  at: Date;
  type: ConsentEventType;
  source: ConsentSource;
  detail?: string | undefined;
  /** The newsletter a `joined` or `left` event concerns. */
  newsletter?: string | undefined;
}

/** One newsletter's opt-out: when and how the person left it. */
export interface NewsletterOptOut {
  at: Date;
  source: ConsentSource;
}

export interface Subscriber {
  /** Opaque id derived from the address (identity.ts). */
  id: string;
  /** Normalised address. */
  email: string;
  /** How the person wants to be greeted (subscribers/name.ts); absent: the template's fallback. */
  name?: string | undefined;
  state: SubscriberState;
  /**
   * The newsletters the address receives while confirmed. Absent on records made before newsletters:
   * read as the legacy newsletter only (newsletters/membership.ts), never as every default one.
   */
  newsletters?: string[] | undefined;
  /** Newsletters the person left, by id: only their own action (preferences, a confirmation) joins one again. */
  optOuts?: Record<string, NewsletterOptOut> | undefined;
  /** Bumped by every subscribe request, unsubscribe and suppression: a confirmation link is valid only for its version. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  confirmedAt?: Date | undefined;
  unsubscribedAt?: Date | undefined;
  suppressedAt?: Date | undefined;
  suppressedReason?: string | undefined;
  /** Transient bounces since the last confirmation; suppressed at the threshold. */
  softBounces: number;
  /** When the last subscription mail (a confirmation, or "you are already subscribed") went out: the cool-down runs from here. */
  confirmationSentAt?: Date | undefined;
  /**
   * An open request to subscribe, waiting for the person's confirmation (its `version` is the one a
   * confirmation link must carry). Beside an opt-out it changes nothing until confirmed.
   */
  request?: SubscriptionRequestRecord | undefined;
  /** The consent ledger, oldest first (requests are kept to the newest few; every confirmation and opt-out is kept). */
  history: ConsentEvent[];
}

/** An open request to subscribe: the version its confirmation link carries, and what the form asked for. */
export interface SubscriptionRequestRecord {
  version: number;
  at: Date;
  /** The newsletters asked for (absent on requests made before newsletters: the legacy newsletter). */
  newsletters?: string[] | undefined;
  /** The name given in the form; it becomes the subscriber's when they confirm. */
  name?: string | undefined;
}

/** What a subscribe request asks for, beside the address. */
export interface RequestedChoices {
  newsletters: string[];
  name?: string | undefined;
}

export type PreferencesOutcome = 'updated' | 'stale' | 'not-confirmed' | 'missing';
export type LeaveOutcome = 'left' | 'unsubscribed' | 'already' | 'missing';

/** What one page of a subscriber listing holds. */
export interface SubscriberPage {
  items: Subscriber[];
  /** The id to page on from (the last item's); absent on the last page. */
  cursor?: string | undefined;
}

/** The mail a subscribe request calls for. */
export interface SubscriptionRequest {
  subscriber: Subscriber;
  /** `confirm`: a confirmation link for `subscriber.version`; `already-subscribed`: a note saying nothing changed. */
  mail: 'confirm' | 'already-subscribed';
}

export type ConfirmOutcome = 'confirmed' | 'already-confirmed' | 'stale' | 'missing';
export type UnsubscribeOutcome = 'unsubscribed' | 'already' | 'missing';

/** Subscribers, keyed by id; addresses unique because the id derives from the address. */
export interface SubscriberStore {
  get(id: string): Promise<Subscriber | undefined>;
  /** Several subscribers at once (one round trip per hundred); missing ids are absent from the map. */
  getMany(ids: readonly string[]): Promise<Map<string, Subscriber>>;
  /**
   * Records a request to subscribe `email`: a new address becomes pending (and expires unconfirmed
   * after `pendingExpiry`); a pending one gets a new version; an opted-out one keeps its opt-out and
   * gets a request beside it (never expiring the opt-out); a confirmed one is left as it is. Undefined
   * when a subscription mail went out less than `coolDownMs` ago: nothing is recorded or sent.
   */
  requestSubscription(
    email: string,
    now: Date,
    options: { coolDownMs: number; pendingExpiry: Date; source: ConsentSource; choices?: RequestedChoices | undefined },
  ): Promise<SubscriptionRequest | undefined>;
  /** Records that a subscription mail went out (the cool-down starts only when one really did). */
  markMailSent(id: string, now: Date): Promise<void>;
  /**
   * Confirms the request of `version`: a pending subscriber, or an opted-out one with that request
   * open, becomes confirmed. The person's own confirmation is the only thing that lifts an opt-out.
   */
  confirm(id: string, version: number, now: Date, source: ConsentSource): Promise<ConfirmOutcome>;
  /** Opts the subscriber out of everything (and withdraws an open request). */
  unsubscribe(id: string, now: Date, source: ConsentSource): Promise<UnsubscribeOutcome>;
  /**
   * Leaves one newsletter (its opt-out recorded); leaving the last one the address receives opts it out
   * of everything ('unsubscribed'). 'already' when the address does not receive that newsletter.
   */
  leaveNewsletter(id: string, newsletter: string, now: Date, source: ConsentSource): Promise<LeaveOutcome>;
  /**
   * The person's own choices from the preferences page, applied only to a confirmed record still at
   * `version` (a replayed or stale form is 'stale'); an empty choice opts the address out of everything.
   */
  updatePreferences(id: string, version: number, change: { newsletters: string[]; name: string | undefined }, now: Date): Promise<PreferencesOutcome>;
  /** Adds a confirmed subscriber directly (the operator vouches for consent); false when the address already exists. */
  addConfirmed(email: string, now: Date, source: ConsentSource, choices?: RequestedChoices): Promise<boolean>;
  /** Writes a whole record (an import of an export) unless the address already exists: one write, never half done. */
  restore(subscriber: Subscriber, pendingExpiry: Date): Promise<boolean>;
  /** Suppresses an address for good (permanent bounce, complaint). */
  suppress(email: string, reason: string, now: Date, source: ConsentSource): Promise<boolean>;
  /** Counts a transient bounce; suppresses at `threshold`. */
  recordSoftBounce(email: string, now: Date, threshold: number): Promise<'counted' | 'suppressed' | 'missing'>;
  /** Pages through subscribers in one state, ordered by id, starting after the id `after`. */
  pageByState(state: SubscriberState, after: string | undefined, limit: number): Promise<SubscriberPage>;
  countByState(): Promise<Record<SubscriberState, number>>;
}
