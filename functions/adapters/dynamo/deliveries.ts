import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IssueEventCount } from '../../core/issue/types.ts';
import type { DeliveryHistory, DeliveryRecord, DeliveryStore, DeliveryTally } from '../../core/sending/ports.ts';
import type { DeliveryStatus, RecordedDelivery } from '../../core/sending/types.ts';
import { DELIVERY, deliveryKey as key, issuePartition } from './keys.ts';
import { batchGet, date, queryAll, written } from './table.ts';

/** The time attribute of each kind of event on a delivery record. */
const EVENT_TIME: Record<IssueEventCount, keyof DeliveryRecord & `${string}At`> = {
  delivered: 'deliveredAt',
  bounced: 'bouncedAt',
  complained: 'complainedAt',
  rejected: 'rejectedAt',
  opened: 'openedAt',
  clicked: 'clickedAt',
};

/**
 * One delivery record per (issue, subscriber) in the single DynamoDB table: skips and failures from the
 * sender, the rest from SES's events. Every write is one item; the firsts (skipped, each event's time)
 * are conditional, so a repeated write changes nothing.
 */
export class DynamoDeliveryStore implements DeliveryStore, DeliveryHistory, DeliveryTally {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async markSent(issueId: string, subscriberId: string, messageId: string, at: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key(issueId, subscriberId),
        UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = if_not_exists(sentAt, :at)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':m': messageId, ':at': at.toISOString() },
      }),
    );
  }

  async markFailed(issueId: string, subscriberId: string, reason: string, at: Date): Promise<void> {
    await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(issueId, subscriberId),
          UpdateExpression: 'SET #s = :failed, failure = :r, failedAt = :at',
          ConditionExpression: 'attribute_not_exists(#s) OR #s <> :sent',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':failed': 'failed', ':r': reason.slice(0, 500), ':at': at.toISOString(), ':sent': 'sent' },
        }),
      ),
    );
  }

  async markSkipped(issueId: string, subscriberId: string, reason: string, at: Date): Promise<boolean> {
    return written(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key(issueId, subscriberId), status: 'skipped', reason, skippedAt: at.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async recordEvent(issueId: string, subscriberId: string, kind: IssueEventCount, at: Date): Promise<boolean> {
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(issueId, subscriberId),
          // Any event of a message means SES accepted it, whichever event arrives first.
          UpdateExpression: 'SET #t = :at, #s = if_not_exists(#s, :sent)',
          ConditionExpression: 'attribute_not_exists(#t)',
          ExpressionAttributeNames: { '#t': EVENT_TIME[kind], '#s': 'status' },
          ExpressionAttributeValues: { ':at': at.toISOString(), ':sent': 'sent' },
        }),
      ),
    );
  }

  /**
   * One issue's sent deliveries and which of them have an event of this kind: how many do, and the
   * subscribers of those that do not (one paged query over the issue's records).
   */
  async eventTally(issueId: string, kind: IssueEventCount): Promise<{ counted: number; missing: string[] }> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :dlv)',
      ExpressionAttributeValues: { ':pk': issuePartition(issueId), ':dlv': DELIVERY },
      ProjectionExpression: 'sk, #s, #t',
      ExpressionAttributeNames: { '#s': 'status', '#t': EVENT_TIME[kind] },
    });
    let counted = 0;
    const missing: string[] = [];
    for (const item of items) {
      if (item[EVENT_TIME[kind]] !== undefined) counted++;
      else if (item.status === 'sent') missing.push(String(item.sk).slice(DELIVERY.length));
    }
    return { counted, missing };
  }

  async recorded(issueId: string, subscriberIds: readonly string[]): Promise<Map<string, RecordedDelivery>> {
    const keys = [...new Set(subscriberIds)].map((id) => key(issueId, id));
    const items = await batchGet(this.db, this.table, keys, { expression: 'sk, #s, claimedAt', names: { '#s': 'status' } });
    return new Map(items.map((item) => [String(item.sk).slice('DLV#'.length), { status: item.status as DeliveryStatus, claimedAt: date(item.claimedAt) }]));
  }

  async forSubscriber(subscriberId: string, issueIds: readonly string[]): Promise<DeliveryRecord[]> {
    const ids = [...new Set(issueIds)];
    const items = await batchGet(this.db, this.table, ids.map((id) => key(id, subscriberId)));
    const byIssue = new Map(items.map((item) => [String(item.pk).slice('ISSUE#'.length), item]));
    return ids.flatMap((issueId) => {
      const item = byIssue.get(issueId);
      if (!item) return [];
      const reason = item.reason ?? item.failure;
      return [{
        issueId,
        status: item.status as DeliveryStatus,
        reason: typeof reason === 'string' ? reason : undefined,
        sentAt: date(item.sentAt),
        deliveredAt: date(item.deliveredAt),
        bouncedAt: date(item.bouncedAt),
        complainedAt: date(item.complainedAt),
        rejectedAt: date(item.rejectedAt),
        openedAt: date(item.openedAt),
        clickedAt: date(item.clickedAt),
      }];
    });
  }
}
