import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryHistory, DeliveryRecord, DeliveryStore } from '../../core/sending/ports.ts';
import type { ClaimOutcome, DeliveryStatus } from '../../core/sending/types.ts';
import { batchGet, written } from './table.ts';

const key = (issueId: string, subscriberId: string) => ({ pk: `ISSUE#${issueId}`, sk: `DLV#${subscriberId}` });

/** Delivery records in the single DynamoDB table: conditional writes make each send happen once. */
export class DynamoDeliveryStore implements DeliveryStore, DeliveryHistory {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async claim(issueId: string, subscriberId: string, now: Date, inDoubtMs: number): Promise<ClaimOutcome> {
    const claimed = await written(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key(issueId, subscriberId), status: 'sending', claimedAt: now.toISOString(), attempts: 1 },
          // New, released after a transient failure, or claimed so long ago that the claim is in doubt.
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :released OR (#s = :sending AND claimedAt < :doubt)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':released': 'released',
            ':sending': 'sending',
            ':doubt': new Date(now.getTime() - inDoubtMs).toISOString(),
          },
        }),
      ),
    );
    if (claimed) return 'claimed';
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key(issueId, subscriberId), ConsistentRead: true }));
    const status = Item?.status as DeliveryStatus | undefined;
    if (status === 'sent' || status === 'failed' || status === 'skipped') return status;
    return 'busy';
  }

  async markSent(issueId: string, subscriberId: string, messageId: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key(issueId, subscriberId),
        UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :now',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':m': messageId, ':now': now.toISOString() },
      }),
    );
  }

  async markFailed(issueId: string, subscriberId: string, reason: string, now: Date): Promise<void> {
    await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(issueId, subscriberId),
          UpdateExpression: 'SET #s = :failed, failure = :r, failedAt = :now',
          ConditionExpression: '#s <> :sent',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':failed': 'failed', ':r': reason.slice(0, 500), ':now': now.toISOString(), ':sent': 'sent' },
        }),
      ),
    );
  }

  async markSkipped(issueId: string, subscriberId: string, reason: string, now: Date): Promise<boolean> {
    return written(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key(issueId, subscriberId), status: 'skipped', reason, skippedAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async release(issueId: string, subscriberId: string): Promise<void> {
    await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(issueId, subscriberId),
          UpdateExpression: 'SET #s = :released',
          ConditionExpression: '#s = :sending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':released': 'released', ':sending': 'sending' },
        }),
      ),
    );
  }

  async statuses(issueId: string, subscriberIds: readonly string[]): Promise<Map<string, DeliveryStatus>> {
    const keys = [...new Set(subscriberIds)].map((id) => key(issueId, id));
    const items = await batchGet(this.db, this.table, keys, { expression: 'sk, #s', names: { '#s': 'status' } });
    return new Map(items.map((item) => [String(item.sk).slice('DLV#'.length), item.status as DeliveryStatus]));
  }

  async forSubscriber(subscriberId: string, issueIds: readonly string[]): Promise<DeliveryRecord[]> {
    const ids = [...new Set(issueIds)];
    const items = await batchGet(this.db, this.table, ids.map((id) => key(id, subscriberId)));
    const byIssue = new Map(items.map((item) => [String(item.pk).slice('ISSUE#'.length), item]));
    const at = (value: unknown) => (typeof value === 'string' ? new Date(value) : undefined);
    return ids.flatMap((issueId) => {
      const item = byIssue.get(issueId);
      if (!item) return [];
      const reason = item.reason ?? item.failure;
      return [{
        issueId,
        status: item.status as DeliveryStatus,
        reason: typeof reason === 'string' ? reason : undefined,
        sentAt: at(item.sentAt),
        deliveredAt: at(item.deliveredAt),
        bouncedAt: at(item.bouncedAt),
        complainedAt: at(item.complainedAt),
        rejectedAt: at(item.rejectedAt),
        openedAt: at(item.openedAt),
        clickedAt: at(item.clickedAt),
      }];
    });
  }
}
