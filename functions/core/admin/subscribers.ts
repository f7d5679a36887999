import { stringify } from 'csv-stringify/sync';
import type { Logger } from '../ports.ts';
import type { Settings } from '../settings.ts';
import type { DeliveryHistory, DeliveryRecord, IssueStore } from '../sending/ports.ts';
import { EXPORT_COLUMNS, exportRow, stateSince } from '../subscribers/csv.ts';
import { normaliseEmail, subscriberId } from '../subscribers/identity.ts';
import { isOptedOut } from '../subscribers/ledger.ts';
import type { SubscriptionService } from '../subscribers/service.ts';
import { SUBSCRIBER_STATES, type ConsentEvent, type Subscriber, type SubscriberState, type SubscriberStore } from '../subscribers/types.ts';
import { issueArchiveUrl } from '../urls.ts';
import { AdminError } from './errors.ts';
import { choicesOf } from '../newsletters/membership.ts';
import { allLists, chooseList } from './lists.ts';

export interface SubscribersDeps {
  settings: Settings;
  subscribers: SubscriberStore;
  issues: Pick<IssueStore, 'listIssues'>;
  deliveries: DeliveryHistory;
  /** Resending a confirmation goes through the subscription lifecycle, so its cool-down and rules hold. */
  subscriptions: Pick<SubscriptionService, 'subscribe'>;
  log: Logger;
}

/** One subscriber as the console shows it (never their tokens). */
export interface SubscriberView {
  id: string;
  email: string;
  state: SubscriberState;
  /** When the present state began. */
  since: Date;
  createdAt: Date;
  confirmedAt?: Date | undefined;
  unsubscribedAt?: Date | undefined;
  suppressedAt?: Date | undefined;
  suppressedReason?: string | undefined;
  softBounces: number;
  name?: string | undefined;
  /** The newsletters the address has chosen (less those it left), by id. */
  newsletters: string[];
  /** A request to subscribe waits for the person's confirmation. */
  requestOpen: boolean;
  confirmationSentAt?: Date | undefined;
}

export interface DeliveryLine extends DeliveryRecord {
  subject?: string | undefined;
  archiveUrl: string;
}

export interface SubscriberHistory {
  subscriber: SubscriberView;
  /** The consent ledger, oldest first: requests, confirmations, opt-outs, each with its source. */
  events: ConsentEvent[];
  /** What happened to each of the newest issues' messages to them, newest first. */
  deliveries: DeliveryLine[];
  /** How many of the newest issues were looked at. */
  issuesLooked: number;
}

export interface ActionResult {
  outcome: string;
  message: string;
  subscriber: SubscriberView;
}

/** Issues a subscriber's delivery history covers (one batched read of this many records). */
export const HISTORY_ISSUES = 20;
/** Rows of one export page (the CSV of a whole list does not fit one HTTP answer). */
export const EXPORT_PAGE = 1000;
const MAX_PAGE = 200;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function subscriberView(s: Subscriber): SubscriberView {
  return {
    id: s.id,
    email: s.email,
    state: s.state,
    since: stateSince(s),
    createdAt: s.createdAt,
    confirmedAt: s.confirmedAt,
    unsubscribedAt: s.unsubscribedAt,
    suppressedAt: s.suppressedAt,
    suppressedReason: s.suppressedReason,
    softBounces: s.softBounces,
    name: s.name,
    newsletters: choicesOf(s),
    requestOpen: s.request !== undefined,
    confirmationSentAt: s.confirmationSentAt,
  };
}

function address(raw: unknown): string {
  const parsed = normaliseEmail(raw);
  if (!parsed.ok) throw new AdminError('bad-request', `email: ${parsed.reason}`);
  return parsed.email;
}

/** A reason an operator typed: one line, printable, short. */
function reasonText(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw new AdminError('bad-request', 'reason: text');
  const text = raw.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  if (text.length > 200) throw new AdminError('bad-request', 'reason: at most 200 characters');
  return text || undefined;
}

/**
 * Looking subscribers up and acting for the operator. Search is by exact address (normalised as a
 * stored address is, then its id: one read). An opt-out is never lifted here: only the person's own
 * confirmation does that.
 */
export class SubscribersService {
  constructor(private readonly deps: SubscribersDeps) {}

  private async existing(raw: unknown): Promise<Subscriber> {
    const email = address(raw);
    const found = await this.deps.subscribers.get(subscriberId(email));
    if (!found) throw new AdminError('not-found', `${email} is not on the list`);
    return found;
  }

  /** The subscriber with this address, if any (the address is normalised first). */
  async find(raw: unknown): Promise<SubscriberView | undefined> {
    const found = await this.deps.subscribers.get(subscriberId(address(raw)));
    return found && subscriberView(found);
  }

  async page(state: string, after: string | undefined, limit = 50): Promise<{ items: SubscriberView[]; cursor?: string | undefined }> {
    if (!(SUBSCRIBER_STATES as readonly string[]).includes(state)) throw new AdminError('bad-request', `state: one of ${SUBSCRIBER_STATES.join(', ')}`);
    if (after !== undefined && !ID.test(after)) throw new AdminError('bad-request', 'after: not a subscriber id');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new AdminError('bad-request', `limit: a whole number from 1 to ${MAX_PAGE}`);
    const page = await this.deps.subscribers.pageByState(state as SubscriberState, after, limit);
    return { items: page.items.map(subscriberView), cursor: page.cursor };
  }

  /** One subscriber's consent ledger and their deliveries across the newest HISTORY_ISSUES issues (of one newsletter, or of all of them). */
  async history(raw: unknown, options: { newsletter?: string | undefined } = {}): Promise<SubscriberHistory> {
    const { settings, issues, deliveries } = this.deps;
    const subscriber = await this.existing(raw);
    const lists = options.newsletter === undefined ? allLists(settings) : [chooseList(settings, options.newsletter)];
    const newest = (await Promise.all(lists.map(async (l) => (await issues.listIssues(l.listId, { limit: HISTORY_ISSUES })).issues)))
      .flat()
      .sort((a, b) => b.scheduledFor.getTime() - a.scheduledFor.getTime())
      .slice(0, HISTORY_ISSUES);
    const subjects = new Map(newest.map((i) => [i.id, i.subject]));
    const records = await deliveries.forSubscriber(subscriber.id, newest.map((i) => i.id));
    return {
      subscriber: subscriberView(subscriber),
      events: subscriber.history,
      deliveries: records.map((r) => ({ ...r, subject: subjects.get(r.issueId), archiveUrl: issueArchiveUrl(settings.siteUrl, r.issueId) })),
      issuesLooked: newest.length,
    };
  }

  async unsubscribe(raw: unknown, now: Date, operator: string): Promise<ActionResult> {
    const current = await this.existing(raw);
    const outcome = await this.deps.subscribers.unsubscribe(current.id, now, 'console');
    this.deps.log.info('console: unsubscribe', { subscriber: current.id, outcome, operator });
    const after = (await this.deps.subscribers.get(current.id)) ?? current;
    const message = outcome === 'unsubscribed' ? `${current.email} is unsubscribed; the record stays, so no import adds it again` : `${current.email} was already ${current.state}`;
    return { outcome, message, subscriber: subscriberView(after) };
  }

  async suppress(raw: unknown, now: Date, operator: string, rawReason?: unknown): Promise<ActionResult> {
    const current = await this.existing(raw);
    const reason = reasonText(rawReason);
    const done = await this.deps.subscribers.suppress(current.email, reason ? `operator: ${reason}` : 'operator', now, 'console');
    this.deps.log.info('console: suppress', { subscriber: current.id, done, operator });
    const after = (await this.deps.subscribers.get(current.id)) ?? current;
    return { outcome: done ? 'suppressed' : 'already', message: done ? `${current.email} is suppressed: never mailed again` : `${current.email} was already suppressed`, subscriber: subscriberView(after) };
  }

  /**
   * Sends a pending subscriber their confirmation link again, through the subscription service (its
   * cool-down holds). A confirmed address needs none; an opted-out one is never asked again by the
   * operator: only the person, from the form, can start a new subscription.
   */
  async resendConfirmation(raw: unknown, now: Date, operator: string): Promise<ActionResult> {
    const current = await this.existing(raw);
    if (current.state === 'confirmed') throw new AdminError('conflict', `${current.email} is already confirmed: there is nothing to confirm`);
    if (isOptedOut(current)) {
      throw new AdminError('conflict', `${current.email} is ${current.state} since ${stateSince(current).toISOString()}: only the person can subscribe again, from the subscribe form`);
    }
    await this.deps.subscriptions.subscribe(current.email, now, 'console');
    const after = (await this.deps.subscribers.get(current.id)) ?? current;
    // A mail went out only if this request moved the time of the last one (the cool-down leaves it as it was).
    const sent = after.confirmationSentAt !== undefined && after.confirmationSentAt.getTime() !== current.confirmationSentAt?.getTime();
    this.deps.log.info('console: resend confirmation', { subscriber: current.id, sent, operator });
    return {
      outcome: sent ? 'sent' : 'cool-down',
      message: sent ? `a new confirmation link went to ${current.email}` : `a subscription mail went to ${current.email} less than the cool-down ago; none was sent now`,
      subscriber: subscriberView(after),
    };
  }

  /**
   * One page of the CSV export (`subscribers export`'s columns; the header on the first page): every
   * state in turn, `cursor` naming where the next page starts.
   */
  async exportPage(cursor: string | undefined): Promise<{ csv: string; rows: number; cursor?: string | undefined }> {
    const [state, from] = cursor === undefined ? [SUBSCRIBER_STATES[0]!, ''] : cursor.split(':', 2);
    let index = SUBSCRIBER_STATES.indexOf(state as SubscriberState);
    if (index < 0 || (from !== undefined && from !== '' && !ID.test(from))) throw new AdminError('bad-request', 'cursor: not one this export gave');
    const rows: string[][] = cursor === undefined ? [[...EXPORT_COLUMNS]] : [];
    const done = (next: string | undefined) => ({ csv: stringify(rows), rows: rows.length - (cursor === undefined ? 1 : 0), cursor: next });
    for (let after = from || undefined; index < SUBSCRIBER_STATES.length; index++, after = undefined) {
      const page = await this.deps.subscribers.pageByState(SUBSCRIBER_STATES[index]!, after, EXPORT_PAGE);
      rows.push(...page.items.map(exportRow));
      if (page.cursor) return done(`${SUBSCRIBER_STATES[index]}:${page.cursor}`);
      if (page.items.length > 0 && index + 1 < SUBSCRIBER_STATES.length) return done(`${SUBSCRIBER_STATES[index + 1]}:`);
    }
    return done(undefined);
  }
}
