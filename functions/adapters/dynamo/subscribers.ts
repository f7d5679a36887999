import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { subscriberId } from '../../core/subscribers/identity.ts';
import {
  SUBSCRIBER_STATES,
  type ConfirmOutcome,
  type Subscriber,
  type SubscriberPage,
  type SubscriberState,
  type SubscriberStore,
  type UnsubscribeOutcome,
} from '../../core/subscribers/types.ts';
import { date, isConditionFailed, iso, written } from './table.ts';

const key = (id: string) => ({ pk: `SUB#${id}`, sk: 'PROFILE' });
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

function fromItem(item: Record<string, unknown>): Subscriber {
  return {
    id: String(item.id),
    email: String(item.email),
    state: item.state as SubscriberState,
    version: Number(item.version ?? 0),
    createdAt: date(item.createdAt)!,
    updatedAt: date(item.updatedAt)!,
    confirmedAt: date(item.confirmedAt),
    unsubscribedAt: date(item.unsubscribedAt),
    suppressedAt: date(item.suppressedAt),
    suppressedReason: typeof item.suppressedReason === 'string' ? item.suppressedReason : undefined,
    softBounces: Number(item.softBounces ?? 0),
    confirmationSentAt: date(item.confirmationSentAt),
  };
}

/** Subscribers in the single DynamoDB table. */
export class DynamoSubscriberStore implements SubscriberStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(id: string): Promise<Subscriber | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key(id), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Subscriber>> {
    const found = new Map<string, Subscriber>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(key);
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of out.Responses?.[this.table] ?? []) found.set(String(item.id), fromItem(item));
        keys = out.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
        if (attempt > 8 && keys?.length) throw new Error('DynamoDB kept returning unprocessed keys');
      }
    }
    return found;
  }

  async requestConfirmation(email: string, now: Date, coolDownMs: number, pendingExpiry: Date): Promise<Subscriber | undefined> {
    const id = subscriberId(email);
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get(id);
      if (current && (current.state === 'confirmed' || current.state === 'suppressed')) return undefined;
      if (current?.state === 'pending' && current.confirmationSentAt && now.getTime() - current.confirmationSentAt.getTime() < coolDownMs) {
        return undefined;
      }
      const next: Subscriber = {
        id,
        email,
        state: 'pending',
        version: (current?.version ?? 0) + 1,
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
        softBounces: current?.softBounces ?? 0,
        confirmationSentAt: now,
        unsubscribedAt: current?.unsubscribedAt,
      };
      const stored = await written(
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...key(id), ...toItem(next), ttl: epoch(pendingExpiry) },
            // Optimistic: nobody changed the record since we read it.
            ConditionExpression: current ? '#v = :v' : 'attribute_not_exists(pk)',
            ...(current ? { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': current.version } } : {}),
          }),
        ),
      );
      if (stored) return next;
    }
    throw new Error('subscriber record kept changing; try again');
  }

  async confirm(id: string, version: number, now: Date): Promise<ConfirmOutcome> {
    const confirmed = await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(id),
          UpdateExpression: 'SET #s = :confirmed, gsi1pk = :gsi, confirmedAt = :now, updatedAt = :now, softBounces = :zero REMOVE #ttl',
          ConditionExpression: '#s = :pending AND #v = :v',
          ExpressionAttributeNames: { '#s': 'state', '#v': 'version', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':confirmed': 'confirmed', ':pending': 'pending', ':gsi': 'STATE#confirmed', ':now': now.toISOString(), ':v': version, ':zero': 0 },
        }),
      ),
    );
    if (confirmed) return 'confirmed';
    const current = await this.get(id);
    if (!current) return 'missing';
    if (current.state === 'confirmed' && current.version === version) return 'already-confirmed';
    return 'stale';
  }

  async unsubscribe(id: string, now: Date): Promise<UnsubscribeOutcome> {
    const unsubscribed = await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(id),
          // A new version voids every confirmation link sent before.
          UpdateExpression: 'SET #s = :u, gsi1pk = :gsi, unsubscribedAt = :now, updatedAt = :now ADD #v :one REMOVE #ttl',
          ConditionExpression: 'attribute_exists(pk) AND #s IN (:pending, :confirmed)',
          ExpressionAttributeNames: { '#s': 'state', '#v': 'version', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':u': 'unsubscribed', ':gsi': 'STATE#unsubscribed', ':now': now.toISOString(), ':one': 1, ':pending': 'pending', ':confirmed': 'confirmed' },
        }),
      ),
    );
    if (unsubscribed) return 'unsubscribed';
    return (await this.get(id)) ? 'already' : 'missing';
  }

  async addConfirmed(email: string, now: Date): Promise<boolean> {
    const subscriber: Subscriber = { id: subscriberId(email), email, state: 'confirmed', version: 1, createdAt: now, updatedAt: now, confirmedAt: now, softBounces: 0 };
    return written(this.db.send(new PutCommand({ TableName: this.table, Item: { ...key(subscriber.id), ...toItem(subscriber) }, ConditionExpression: 'attribute_not_exists(pk)' })));
  }

  async suppress(email: string, reason: string, now: Date): Promise<boolean> {
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(subscriberId(email)),
          UpdateExpression: 'SET #s = :s, gsi1pk = :gsi, suppressedAt = :now, suppressedReason = :r, updatedAt = :now ADD #v :one REMOVE #ttl',
          ConditionExpression: 'attribute_exists(pk) AND #s <> :s',
          ExpressionAttributeNames: { '#s': 'state', '#v': 'version', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':s': 'suppressed', ':gsi': 'STATE#suppressed', ':now': now.toISOString(), ':r': reason, ':one': 1 },
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
        await this.suppress(email, `${threshold} transient bounces`, now);
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

/** The table item of one subscriber (for bulk writes). */
export function subscriberItem(s: Subscriber): Record<string, unknown> {
  return { ...key(s.id), ...toItem(s) };
}

function toItem(s: Subscriber): Record<string, unknown> {
  return {
    id: s.id,
    email: s.email,
    state: s.state,
    version: s.version,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    confirmedAt: iso(s.confirmedAt),
    unsubscribedAt: iso(s.unsubscribedAt),
    suppressedAt: iso(s.suppressedAt),
    suppressedReason: s.suppressedReason,
    softBounces: s.softBounces,
    confirmationSentAt: iso(s.confirmationSentAt),
    gsi1pk: `STATE#${s.state}`,
    gsi1sk: s.id,
  };
}
