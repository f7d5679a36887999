import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IssueArticle, IssueRecord, IssueSummary } from '../../core/issue/types.ts';
import type { IssueStore } from '../../core/sending/ports.ts';
import type { BatchMessage, IssueCounts, IssueTally, ListState } from '../../core/sending/types.ts';
import { BATCHES, batchKey, DONE_SHARD, doneKey, issueKey, tallyKey } from './keys.ts';
import { COUNTS, merged, partsOf, TallyTable, type TallyParts } from './tally.ts';
import { batchGet, date, written } from './table.ts';

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

function summaryFrom(item: Record<string, unknown>, parts: TallyParts): IssueSummary {
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
    ...merged(item, parts),
    createdAt: date(item.createdAt)!,
    sentAt: date(item.sentAt),
  };
}

function fromItem(item: Record<string, unknown>, parts: TallyParts): IssueRecord {
  const { subject, articles, ...summary } = summaryFrom(item, parts);
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

/**
 * The stored form: the content's fields sit beside the rest (listings leave out html, text and
 * settings). The counts, batches done and pause live in the tally (tally.ts), not here.
 */
function toItem(issue: IssueRecord): Record<string, unknown> {
  const { content, batchesDone: _done, pausedUntil: _paused, ...rest } = issue;
  for (const count of COUNTS) delete (rest as Record<string, unknown>)[count];
  return {
    ...issueKey(issue.id),
    ...rest,
    ...content,
    articles: content.articles.map((a) => ({ ...a, date: a.date.toISOString() })),
    scheduledFor: issue.scheduledFor.toISOString(),
    windowStart: issue.windowStart.toISOString(),
    windowEnd: issue.windowEnd.toISOString(),
    createdAt: issue.createdAt.toISOString(),
    sentAt: issue.sentAt?.toISOString(),
    gsi1pk: `ISSUES#${issue.listId}`,
    gsi1sk: issue.id,
  };
}

/** Every stored attribute an issue listing reads: all but the rendered digest and the settings (and an earlier version's counts). */
const SUMMARY_ATTRIBUTES = [
  'id', 'newsletter', 'listId', 'scheduledFor', 'windowStart', 'windowEnd', 'subject', 'articles', '#status', 'batchesPlanned', 'planComplete',
  'planCursor', 'batchesDone', ...COUNTS, 'pausedUntil', 'createdAt', 'sentAt', 'gsi1pk', 'gsi1sk', 'pk', 'sk',
];

/** Issues, batches and list state in the single DynamoDB table. */
export class DynamoIssueStore implements IssueStore {
  private readonly tallies: TallyTable;
  private readonly chunkedIssues = new Set<string>();

  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {
    this.tallies = new TallyTable(db, table);
  }

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
    // Without its tally (a crash in between), the issue is sent as an earlier version's would be: safely.
    if (created) await this.tallies.create(issue.id, Object.fromEntries(COUNTS.filter((k) => issue[k] > 0).map((k) => [k, issue[k]])));
    return created ? 'created' : 'exists';
  }

  async getIssue(issueId: string): Promise<IssueRecord | undefined> {
    const { issue, parts } = await this.tallies.parts(issueId, true);
    return issue ? fromItem(issue, parts) : undefined;
  }

  async tally(issueId: string): Promise<IssueTally> {
    return this.tallies.read(issueId);
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
    const [{ parts }, items] = await Promise.all([this.tallies.parts(issueId, false), this.tallies.query(issueId, BATCHES)]);
    // A batch is done when its shard says so, or an earlier version marked it on the batch item.
    return items
      .filter((item) => item.status !== 'done' && !parts.done.has(Number(item.batch)))
      .map((item) => ({ issueId, batch: Number(item.batch), recipients: item.recipients as BatchMessage['recipients'] }));
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
    const found = (Items ?? []) as Record<string, unknown>[];
    // Each issue's tally and done shards, in one read for the page.
    const keys = found.flatMap((item) => {
      const id = String(item.id);
      const shards = Math.ceil(Number(item.batchesPlanned ?? 0) / DONE_SHARD);
      return [tallyKey(id), ...Array.from({ length: shards }, (_, shard) => doneKey(id, shard))];
    });
    const byIssue = new Map<string, Record<string, unknown>[]>();
    for (const part of await batchGet(this.db, this.table, keys)) byIssue.set(String(part.pk), [...(byIssue.get(String(part.pk)) ?? []), part]);
    const issues = found.map((item) => summaryFrom(item, partsOf(byIssue.get(String(item.pk)) ?? []).parts));
    return { issues, cursor: LastEvaluatedKey && issues.length > 0 ? issues.at(-1)!.id : undefined };
  }

  async advancePlan(
    issueId: string,
    expectedBatches: number,
    next: { batchesPlanned: number; planCursor?: string | undefined; planComplete: boolean },
  ): Promise<boolean> {
    const advanced = await written(
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
    // Lost in a crash, this only leaves the last batch's worker unaware; finishIssue reads the issue itself.
    if (advanced && next.planComplete) await this.tallies.planned(issueId, next.batchesPlanned);
    return advanced;
  }

  async completeBatch(issueId: string, batch: number): Promise<boolean> {
    if (await this.chunked(issueId)) {
      const parts = await this.tallies.done(issueId, batch);
      return typeof parts.tally?.planned === 'number' && parts.done.size >= parts.tally.planned;
    }
    // An issue an earlier version planned keeps its batches done, and its planning, on its own items.
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
    if (done) await this.db.send(new UpdateCommand({ TableName: this.table, Key: issueKey(issueId), UpdateExpression: 'ADD batchesDone :one', ExpressionAttributeValues: { ':one': 1 } }));
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: issueKey(issueId), ConsistentRead: true, ProjectionExpression: 'planComplete, batchesPlanned, batchesDone' }),
    );
    return Item?.planComplete === true && Number(Item.batchesDone ?? 0) >= Number(Item.batchesPlanned);
  }

  /** Whether the issue's batches are claimed in chunks (fixed when it is planned, so remembered). */
  private async chunked(issueId: string): Promise<boolean> {
    if (this.chunkedIssues.has(issueId)) return true;
    const { chunked } = await this.tallies.read(issueId);
    if (chunked) this.chunkedIssues.add(issueId);
    if (this.chunkedIssues.size > 8) this.chunkedIssues.delete(this.chunkedIssues.values().next().value!);
    return chunked;
  }

  async addCounts(issueId: string, counts: IssueCounts): Promise<void> {
    await this.tallies.add(issueId, counts);
  }

  async pauseIssue(issueId: string, until: Date): Promise<void> {
    await this.tallies.pause(issueId, until);
  }

  async finishIssue(issue: Pick<IssueSummary, 'id' | 'listId' | 'windowEnd'>, now: Date): Promise<boolean> {
    const { issue: item, parts } = await this.tallies.parts(issue.id, true);
    if (!item) return false;
    if (item.status !== 'sent') {
      if (item.planComplete !== true) return false;
      const planned = Number(item.batchesPlanned);
      const done = parts.done;
      const chunked = parts.tally?.chunked === true;
      if (!chunked && done.size + Number(item.batchesDone ?? 0) >= planned) for (const n of await this.tallies.markedDone(issue.id)) done.add(n);
      for (let n = 1; n <= planned; n++) if (!done.has(n)) return false;
      // Every batch is done: no chunk changes any more, so the sender's counts can be made exact.
      await this.tallies.recount(issue.id);
      const finished = await written(
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: issueKey(issue.id),
            UpdateExpression: 'SET #s = :sent, sentAt = :now REMOVE pausedUntil',
            ConditionExpression: 'planComplete = :true AND batchesPlanned = :planned AND #s <> :sent',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString(), ':true': true, ':planned': planned },
          }),
        ),
      );
      if (!finished) {
        const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: issueKey(issue.id), ConsistentRead: true, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'status' } }));
        if (Item?.status !== 'sent') return false;
      }
    }
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
