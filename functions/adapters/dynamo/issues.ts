import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NO_EVENT_COUNTS, type IssueArticle, type IssueRecord, type IssueSummary } from '../../core/issue/types.ts';
import type { IssueStore } from '../../core/sending/ports.ts';
import type { BatchMessage, IssueCounts, ListState } from '../../core/sending/types.ts';
import { date, written } from './table.ts';

const issueKey = (id: string) => ({ pk: `ISSUE#${id}`, sk: 'ISSUE' });
const batchKey = (id: string, n: number) => ({ pk: `ISSUE#${id}`, sk: `BATCH#${String(n).padStart(6, '0')}` });
const listKey = (listId: string) => ({ pk: `LIST#${listId}`, sk: 'STATE' });

function articlesFrom(value: unknown): IssueArticle[] {
  return ((value as Record<string, unknown>[] | undefined) ?? []).map((a) => ({
    id: String(a.id),
    title: String(a.title),
    url: String(a.url),
    path: String(a.path),
    author: typeof a.author === 'string' ? a.author : undefined,
    date: date(a.date)!,
    summary: String(a.summary ?? ''),
  }));
}

function summaryFrom(item: Record<string, unknown>): IssueSummary {
  return {
    id: String(item.id),
    newsletter: typeof item.newsletter === 'string' ? item.newsletter : undefined,
    listId: String(item.listId),
    scheduledFor: date(item.scheduledFor)!,
    windowStart: date(item.windowStart)!,
    windowEnd: date(item.windowEnd)!,
    subject: String(item.subject),
    articles: articlesFrom(item.articles),
    status: item.status as IssueRecord['status'],
    batchesPlanned: Number(item.batchesPlanned ?? 0),
    planComplete: Boolean(item.planComplete),
    planCursor: typeof item.planCursor === 'string' ? item.planCursor : undefined,
    batchesDone: Number(item.batchesDone ?? 0),
    sent: Number(item.sent ?? 0),
    skipped: Number(item.skipped ?? 0),
    failed: Number(item.failed ?? 0),
    delivered: Number(item.delivered ?? 0),
    bounced: Number(item.bounced ?? 0),
    complained: Number(item.complained ?? 0),
    rejected: Number(item.rejected ?? 0),
    opened: Number(item.opened ?? 0),
    clicked: Number(item.clicked ?? 0),
    pausedUntil: date(item.pausedUntil),
    createdAt: date(item.createdAt)!,
    sentAt: date(item.sentAt),
  };
}

function fromItem(item: Record<string, unknown>): IssueRecord {
  const { subject, articles, ...summary } = summaryFrom(item);
  return {
    ...summary,
    settings: item.settings as IssueRecord['settings'],
    content: {
      subject,
      articles,
      html: String(item.html),
      text: String(item.text),
      preheader: String(item.preheader ?? ''),
      cards: Number(item.cards ?? articles.length),
      mode: item.mode === 'full' ? 'full' : 'summary',
    },
  };
}

/** The stored form: the content's fields sit beside the rest (listings leave out html, text and settings). */
function toItem(issue: IssueRecord): Record<string, unknown> {
  const { content, ...rest } = issue;
  return {
    ...issueKey(issue.id),
    ...rest,
    ...content,
    articles: content.articles.map((a) => ({ ...a, date: a.date.toISOString() })),
    scheduledFor: issue.scheduledFor.toISOString(),
    windowStart: issue.windowStart.toISOString(),
    windowEnd: issue.windowEnd.toISOString(),
    createdAt: issue.createdAt.toISOString(),
    pausedUntil: issue.pausedUntil?.toISOString(),
    sentAt: issue.sentAt?.toISOString(),
    gsi1pk: `ISSUES#${issue.listId}`,
    gsi1sk: issue.id,
  };
}

/** Every stored attribute an issue listing reads: all but the rendered digest and the settings. */
const SUMMARY_ATTRIBUTES = [
  'id', 'newsletter', 'listId', 'scheduledFor', 'windowStart', 'windowEnd', 'subject', 'articles', '#status', 'batchesPlanned', 'planComplete',
  'planCursor', 'batchesDone', 'sent', 'skipped', 'failed', ...Object.keys(NO_EVENT_COUNTS), 'pausedUntil', 'createdAt', 'sentAt', 'gsi1pk', 'gsi1sk', 'pk', 'sk',
];

/** Issues, batches and list state in the single DynamoDB table. */
export class DynamoIssueStore implements IssueStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async getListState(listId: string): Promise<ListState> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: listKey(listId), ConsistentRead: true }));
    return {
      watermark: date(Item?.watermark),
      lastIssueId: typeof Item?.lastIssueId === 'string' ? Item.lastIssueId : undefined,
      openIssueId: typeof Item?.openIssueId === 'string' ? Item.openIssueId : undefined,
    };
  }

  async openIssue(listId: string, issueId: string): Promise<boolean> {
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: listKey(listId),
          UpdateExpression: 'SET openIssueId = :id',
          ConditionExpression: 'attribute_not_exists(openIssueId) OR openIssueId = :id',
          ExpressionAttributeValues: { ':id': issueId },
        }),
      ),
    );
  }

  async createIssue(issue: IssueRecord): Promise<'created' | 'exists'> {
    const created = await written(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: toItem(issue),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return created ? 'created' : 'exists';
  }

  async getIssue(issueId: string): Promise<IssueRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: issueKey(issueId), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async putBatch(batch: BatchMessage): Promise<'created' | 'exists'> {
    const created = await written(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...batchKey(batch.issueId, batch.batch), ...batch, status: 'queued' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return created ? 'created' : 'exists';
  }

  async getBatch(issueId: string, batch: number): Promise<BatchMessage | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: batchKey(issueId, batch), ConsistentRead: true }));
    return Item ? { issueId, batch, recipients: Item.recipients as BatchMessage['recipients'] } : undefined;
  }

  async pendingBatches(issueId: string): Promise<BatchMessage[]> {
    const batches: BatchMessage[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :batch)',
          FilterExpression: '#s = :queued',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pk': `ISSUE#${issueId}`, ':batch': 'BATCH#', ':queued': 'queued' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) batches.push({ issueId, batch: Number(item.batch), recipients: item.recipients as BatchMessage['recipients'] });
      start = page.LastEvaluatedKey;
    } while (start);
    return batches;
  }

  async listIssues(listId: string, options: { limit: number; after?: string | undefined }): Promise<{ issues: IssueSummary[]; cursor?: string | undefined }> {
    const gsi1pk = `ISSUES#${listId}`;
    const { Items, LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': gsi1pk },
        ProjectionExpression: SUMMARY_ATTRIBUTES.join(', '),
        ExpressionAttributeNames: { '#status': 'status' },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: options.after ? { gsi1pk, gsi1sk: options.after, ...issueKey(options.after) } : undefined,
      }),
    );
    const issues = (Items ?? []).map(summaryFrom);
    return { issues, cursor: LastEvaluatedKey && issues.length > 0 ? issues.at(-1)!.id : undefined };
  }

  async advancePlan(
    issueId: string,
    expectedBatches: number,
    next: { batchesPlanned: number; planCursor?: string | undefined; planComplete: boolean },
  ): Promise<boolean> {
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: issueKey(issueId),
          UpdateExpression: `SET batchesPlanned = :next, planComplete = :done, #s = :sending${next.planCursor ? ', planCursor = :cursor' : ' REMOVE planCursor'}`,
          ConditionExpression: 'batchesPlanned = :expected AND planComplete = :false',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':next': next.batchesPlanned,
            ':done': next.planComplete,
            ':expected': expectedBatches,
            ':false': false,
            ':sending': 'sending',
            ...(next.planCursor ? { ':cursor': next.planCursor } : {}),
          },
        }),
      ),
    );
  }

  async completeBatch(issueId: string, batch: number): Promise<boolean> {
    const done = await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: batchKey(issueId, batch),
          UpdateExpression: 'SET #s = :done',
          ConditionExpression: 'attribute_exists(pk) AND #s = :queued',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':done': 'done', ':queued': 'queued' },
        }),
      ),
    );
    if (!done) return false;
    // Counted only by the caller whose update moved the batch to done: each batch counts once.
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: issueKey(issueId),
        UpdateExpression: 'ADD batchesDone :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    return true;
  }

  async addCounts(issueId: string, counts: IssueCounts): Promise<void> {
    const parts = (['sent', 'skipped', 'failed'] as const).filter((k) => (counts[k] ?? 0) > 0);
    if (parts.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: issueKey(issueId),
        UpdateExpression: `ADD ${parts.map((k) => `${k} :${k}`).join(', ')}`,
        ExpressionAttributeValues: Object.fromEntries(parts.map((k) => [`:${k}`, counts[k]])),
      }),
    );
  }

  async pauseIssue(issueId: string, until: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: issueKey(issueId),
        UpdateExpression: 'SET pausedUntil = :until',
        ExpressionAttributeValues: { ':until': until.toISOString() },
      }),
    );
  }

  async finishIssue(issue: Pick<IssueSummary, 'id' | 'listId' | 'windowEnd'>, now: Date): Promise<boolean> {
    const finished = await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: issueKey(issue.id),
          UpdateExpression: 'SET #s = :sent, sentAt = :now REMOVE pausedUntil',
          ConditionExpression: 'planComplete = :true AND batchesDone = batchesPlanned AND #s <> :sent',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString(), ':true': true },
        }),
      ),
    );
    if (!finished && (await this.getIssue(issue.id))?.status !== 'sent') return false;
    // The watermark moves only after the issue is recorded as sent; repeated calls change nothing.
    await written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: listKey(issue.listId),
          UpdateExpression: 'SET watermark = :w, lastIssueId = :id REMOVE openIssueId',
          ConditionExpression: 'openIssueId = :id',
          ExpressionAttributeValues: { ':w': issue.windowEnd.toISOString(), ':id': issue.id },
        }),
      ),
    );
    return true;
  }
}
