import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SubscriberTimeline, SubscriberTimes } from '../../core/admin/ports.ts';
import type { SubscriberState } from '../../core/subscribers/types.ts';
import { date } from './table.ts';

/**
 * Subscribers' times, state by state through gsi1 (`STATE#<state>`, ordered by id, as subscribers.ts
 * writes it), reading only the three times and the keys to page on: the ledger and the rest of each
 * record never travel. (DynamoDB still charges a Query by the size of the items it reads.)
 */
export class DynamoSubscriberTimeline implements SubscriberTimeline {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async times(state: SubscriberState, after: string | undefined, limit: number): Promise<{ items: SubscriberTimes[]; cursor?: string | undefined }> {
    const gsi1pk = `STATE#${state}`;
    const { Items, LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :s',
        ExpressionAttributeValues: { ':s': gsi1pk },
        ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk, confirmedAt, unsubscribedAt, suppressedAt',
        Limit: limit,
        ExclusiveStartKey: after ? { gsi1pk, gsi1sk: after, pk: `SUB#${after}`, sk: 'PROFILE' } : undefined,
      }),
    );
    const items = (Items ?? []).map((item) => ({ confirmedAt: date(item.confirmedAt), unsubscribedAt: date(item.unsubscribedAt), suppressedAt: date(item.suppressedAt) }));
    const last = Items?.at(-1);
    return { items, cursor: LastEvaluatedKey && last ? String(last.gsi1sk) : undefined };
  }
}
