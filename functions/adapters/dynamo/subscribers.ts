import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { subscriberId } from '../../core/subscribers/identity.ts';
import { applyConfirm, applyLeave, applyPreferences, applyRequest, isConfirmable } from '../../core/subscribers/ledger.ts';
import {
  SUBSCRIBER_STATES,
  type ConfirmOutcome,
  type ConsentEvent,
  type ConsentSource,
  type LeaveOutcome,
  type NewsletterOptOut,
  type PreferencesOutcome,
  type RequestedChoices,
  type Subscriber,
  type SubscriberPage,
  type SubscriberState,
  type SubscriberStore,
  type SubscriptionRequest,
  type UnsubscribeOutcome,
} from '../../core/subscribers/types.ts';
import { batchGet, date, isConditionFailed, iso, written } from './table.ts';

const key = (id: string) => ({ pk: `SUB#${id}`, sk: 'PROFILE' });
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

function eventsFrom(value: unknown): ConsentEvent[] {
  if (!Array.isArray(value)) return [];
  return value.map((e: Record<string, unknown>) => ({
    at: date(e.at)!,
    type: e.type as ConsentEvent['type'],
    source: e.source as ConsentSource,
    ...(typeof e.detail === 'string' ? { detail: e.detail } : {}),
    ...(typeof e.newsletter === 'string' ? { newsletter: e.newsletter } : {}),
  }));
}

const eventItem = (e: ConsentEvent) => ({ at: e.at.toISOString(), type: e.type, source: e.source, detail: e.detail, newsletter: e.newsletter });

const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined);

function optOutsFrom(value: unknown): Record<string, NewsletterOptOut> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, { at?: unknown; source?: unknown }>).map(([id, o]) => [id, { at: date(o.at)!, source: o.source as ConsentSource }] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function fromItem(item: Record<string, unknown>): Subscriber {
  const request = item.request as { version?: unknown; at?: unknown; newsletters?: unknown; name?: unknown } | undefined;
  return {
    id: String(item.id),
    email: String(item.email),
    name: typeof item.name === 'string' ? item.name : undefined,
    state: item.state as SubscriberState,
    newsletters: strings(item.newsletters),
    optOuts: optOutsFrom(item.optOuts),
    version: Number(item.version ?? 0),
    createdAt: date(item.createdAt)!,
    updatedAt: date(item.updatedAt)!,
    confirmedAt: date(item.confirmedAt),
    unsubscribedAt: date(item.unsubscribedAt),
    suppressedAt: date(item.suppressedAt),
    suppressedReason: typeof item.suppressedReason === 'string' ? item.suppressedReason : undefined,
    softBounces: Number(item.softBounces ?? 0),
    confirmationSentAt: date(item.confirmationSentAt),
    request:
      request && typeof request.version === 'number'
        ? { version: request.version, at: date(request.at)!, newsletters: strings(request.newsletters), name: typeof request.name === 'string' ? request.name : undefined }
        : undefined,
    history: eventsFrom(item.history),
  };
}

function toItem(s: Subscriber): Record<string, unknown> {
  return {
    id: s.id,
    email: s.email,
    name: s.name,
    state: s.state,
    newsletters: s.newsletters,
    optOuts: s.optOuts ? Object.fromEntries(Object.entries(s.optOuts).map(([id, o]) => [id, { at: o.at.toISOString(), source: o.source }])) : undefined,
    version: s.version,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    confirmedAt: iso(s.confirmedAt),
    unsubscribedAt: iso(s.unsubscribedAt),
    suppressedAt: iso(s.suppressedAt),
    suppressedReason: s.suppressedReason,
    softBounces: s.softBounces,
    confirmationSentAt: iso(s.confirmationSentAt),
    request: s.request ? { version: s.request.version, at: s.request.at.toISOString(), newsletters: s.request.newsletters, name: s.request.name } : undefined,
    history: s.history.map(eventItem),
    gsi1pk: `STATE#${s.state}`,
    gsi1sk: s.id,
  };
}

/** The table item of one subscriber (for bulk writes). Only a pending record that never opted out expires. */
export function subscriberItem(s: Subscriber, pendingExpiry?: Date): Record<string, unknown> {
  return { ...key(s.id), ...toItem(s), ...(s.state === 'pending' && pendingExpiry ? { ttl: epoch(pendingExpiry) } : {}) };
}

/** An event appended to the ledger in the same write that changes the state. */
const appended = (event: ConsentEvent) => ({ ':event': [eventItem(event)], ':none': [] });
const APPEND = 'history = list_append(if_not_exists(history, :none), :event)';

/** Subscribers in the single DynamoDB table. */
export class DynamoSubscriberStore implements SubscriberStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(id: string): Promise<Subscriber | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key(id), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Subscriber>> {
    const items = await batchGet(this.db, this.table, [...new Set(ids)].map(key));
    return new Map(items.map((item) => [String(item.id), fromItem(item)]));
  }

  async requestSubscription(
    email: string,
    now: Date,
    options: { coolDownMs: number; pendingExpiry: Date; source: ConsentSource; choices?: RequestedChoices | undefined },
  ): Promise<SubscriptionRequest | undefined> {
    const id = subscriberId(email);
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get(id);
      const outcome = applyRequest(current, email, now, options);
      if (!outcome) return undefined;
      if (!outcome.next) return outcome.request;
      const stored = await written(
        this.db.send(
          new PutCommand({
            TableName: this.table,
            // An opt-out never expires: only a record that is pending (and so never opted out) carries a ttl.
            Item: subscriberItem(outcome.next, options.pendingExpiry),
            // Optimistic: nobody changed the record since we read it.
            ConditionExpression: current ? '#v = :v AND #u = :u' : 'attribute_not_exists(pk)',
            ...(current
              ? { ExpressionAttributeNames: { '#v': 'version', '#u': 'updatedAt' }, ExpressionAttributeValues: { ':v': current.version, ':u': iso(current.updatedAt) } }
              : {}),
          }),
        ),
      );
      if (stored) return outcome.request;
    }
    throw new Error('subscriber record kept changing; try again');
  }

  async markMailSent(id: string, now: Date): Promise<void> {
    await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(id),
          UpdateExpression: 'SET confirmationSentAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      ),
    );
  }

  /**
   * Reads the record, applies `change` and writes the result only if nobody changed it in between
   * (optimistic, on version and updatedAt); tries again on a conflict. `change` returns the new record,
   * or an outcome to answer without writing.
   */
  private async rewrite<T>(id: string, change: (current: Subscriber | undefined) => { next: Subscriber; outcome: T } | { outcome: T }): Promise<T> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get(id);
      const result = change(current);
      if (!('next' in result) || !current) return result.outcome;
      const stored = await written(
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: subscriberItem(result.next),
            ConditionExpression: '#v = :v AND #u = :u',
            ExpressionAttributeNames: { '#v': 'version', '#u': 'updatedAt' },
            ExpressionAttributeValues: { ':v': current.version, ':u': iso(current.updatedAt) },
          }),
        ),
      );
      if (stored) return result.outcome;
    }
    throw new Error('subscriber record kept changing; try again');
  }

  async confirm(id: string, version: number, now: Date, source: ConsentSource): Promise<ConfirmOutcome> {
    return this.rewrite<ConfirmOutcome>(id, (current) => {
      if (!current) return { outcome: 'missing' };
      // Pending at this version, or an opt-out whose open request is this version: only the person's own link lifts it.
      if (isConfirmable(current, version)) return { next: applyConfirm(current, now, source), outcome: 'confirmed' };
      return { outcome: current.state === 'confirmed' && current.version === version ? 'already-confirmed' : 'stale' };
    });
  }

  async leaveNewsletter(id: string, newsletter: string, now: Date, source: ConsentSource): Promise<LeaveOutcome> {
    return this.rewrite<LeaveOutcome>(id, (current) => {
      if (!current) return { outcome: 'missing' };
      const next = applyLeave(current, newsletter, now, source);
      if (!next) return { outcome: 'already' };
      return { next, outcome: next.state === 'unsubscribed' ? 'unsubscribed' : 'left' };
    });
  }

  async updatePreferences(id: string, version: number, change: { newsletters: string[]; name: string | undefined }, now: Date): Promise<PreferencesOutcome> {
    return this.rewrite<PreferencesOutcome>(id, (current) => {
      if (!current) return { outcome: 'missing' };
      if (current.state !== 'confirmed') return { outcome: 'not-confirmed' };
      // A form shown before any later change (a replayed POST, a second tab) changes nothing.
      if (current.version !== version) return { outcome: 'stale' };
      return { next: applyPreferences(current, change, now)!, outcome: 'updated' };
    });
  }

  async unsubscribe(id: string, now: Date, source: ConsentSource): Promise<UnsubscribeOutcome> {
    const names = { '#s': 'state', '#v': 'version', '#ttl': 'ttl', '#req': 'request' };
    const unsubscribed = await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(id),
          // A new version voids every confirmation link sent before, and an open request is withdrawn.
          UpdateExpression: `SET #s = :u, gsi1pk = :gsi, unsubscribedAt = :now, updatedAt = :now, ${APPEND} ADD #v :one REMOVE #ttl, #req`,
          ConditionExpression: 'attribute_exists(pk) AND (#s IN (:pending, :confirmed) OR (#s = :u AND attribute_exists(#req)))',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':u': 'unsubscribed',
            ':gsi': 'STATE#unsubscribed',
            ':now': now.toISOString(),
            ':one': 1,
            ':pending': 'pending',
            ':confirmed': 'confirmed',
            ...appended({ at: now, type: 'unsubscribed', source }),
          },
        }),
      ),
    );
    if (unsubscribed) return 'unsubscribed';
    // Suppressed with a request open: the request is withdrawn, the suppression stays.
    const withdrawn = await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(id),
          UpdateExpression: `SET updatedAt = :now, ${APPEND} ADD #v :one REMOVE #req`,
          ConditionExpression: 'attribute_exists(pk) AND #s = :sup AND attribute_exists(#req)',
          ExpressionAttributeNames: { '#s': 'state', '#v': 'version', '#req': 'request' },
          ExpressionAttributeValues: { ':sup': 'suppressed', ':now': now.toISOString(), ':one': 1, ...appended({ at: now, type: 'request-withdrawn', source }) },
        }),
      ),
    );
    if (withdrawn) return 'unsubscribed';
    return (await this.get(id)) ? 'already' : 'missing';
  }

  async addConfirmed(email: string, now: Date, source: ConsentSource, choices?: RequestedChoices): Promise<boolean> {
    const subscriber: Subscriber = {
      id: subscriberId(email),
      email,
      ...(choices ? { newsletters: choices.newsletters, name: choices.name } : {}),
      state: 'confirmed',
      version: 1,
      createdAt: now,
      updatedAt: now,
      confirmedAt: now,
      softBounces: 0,
      history: [{ at: now, type: 'added', source }],
    };
    return written(this.db.send(new PutCommand({ TableName: this.table, Item: subscriberItem(subscriber), ConditionExpression: 'attribute_not_exists(pk)' })));
  }

  async restore(subscriber: Subscriber, pendingExpiry: Date): Promise<boolean> {
    return written(
      this.db.send(new PutCommand({ TableName: this.table, Item: subscriberItem(subscriber, pendingExpiry), ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  }

  async suppress(email: string, reason: string, now: Date, source: ConsentSource): Promise<boolean> {
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(subscriberId(email)),
          UpdateExpression: `SET #s = :s, gsi1pk = :gsi, suppressedAt = :now, suppressedReason = :r, updatedAt = :now, ${APPEND} ADD #v :one REMOVE #ttl, #req`,
          ConditionExpression: 'attribute_exists(pk) AND #s <> :s',
          ExpressionAttributeNames: { '#s': 'state', '#v': 'version', '#ttl': 'ttl', '#req': 'request' },
          ExpressionAttributeValues: {
            ':s': 'suppressed',
            ':gsi': 'STATE#suppressed',
            ':now': now.toISOString(),
            ':r': reason,
            ':one': 1,
            ...appended({ at: now, type: 'suppressed', source, detail: reason }),
          },
        }),
      ),
    );
  }

  async recordSoftBounce(email: string, now: Date, threshold: number): Promise<'counted' | 'suppressed' | 'missing'> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(subscriberId(email)),
          UpdateExpression: 'SET updatedAt = :now ADD softBounces :one',
          ConditionExpression: 'attribute_exists(pk) AND #s <> :suppressed',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1, ':suppressed': 'suppressed' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (Number(Attributes?.softBounces ?? 0) >= threshold) {
        await this.suppress(email, `${threshold} transient bounces`, now, 'transient-bounces');
        return 'suppressed';
      }
      return 'counted';
    } catch (error) {
      if (isConditionFailed(error)) return 'missing';
      throw error;
    }
  }

  async pageByState(state: SubscriberState, after: string | undefined, limit: number): Promise<SubscriberPage> {
    const gsi1pk = `STATE#${state}`;
    const { Items, LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :s',
        ExpressionAttributeValues: { ':s': gsi1pk },
        Limit: limit,
        ExclusiveStartKey: after ? { gsi1pk, gsi1sk: after, ...key(after) } : undefined,
      }),
    );
    const items = (Items ?? []).map(fromItem);
    return { items, cursor: LastEvaluatedKey && items.length > 0 ? items[items.length - 1]!.id : undefined };
  }

  async countByState(): Promise<Record<SubscriberState, number>> {
    const counts = Object.fromEntries(SUBSCRIBER_STATES.map((s) => [s, 0])) as Record<SubscriberState, number>;
    for (const state of SUBSCRIBER_STATES) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :s',
            ExpressionAttributeValues: { ':s': `STATE#${state}` },
            Select: 'COUNT',
            ExclusiveStartKey: start,
          }),
        );
        counts[state] += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return counts;
  }
}
