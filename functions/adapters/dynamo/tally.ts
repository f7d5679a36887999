import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NO_EVENT_COUNTS, type IssueEventCount } from '../../core/issue/types.ts';
import { SENDER_COUNTS, type IssueCounts, type IssueTally, type SenderCount } from '../../core/sending/types.ts';
import { chunkTotals } from './claims.ts';
import { BATCHES, CLAIMS, DONE_SHARD, doneKey, ISSUE_PARTS, issuePartition, tallyKey } from './keys.ts';
import { date, queryAll, written } from './table.ts';

/** Every count an issue carries. */
export const COUNTS = [...SENDER_COUNTS, ...(Object.keys(NO_EVENT_COUNTS) as IssueEventCount[])] as const;
type Count = (typeof COUNTS)[number];

/** What an issue's tally and done shards hold, read back. */
export interface TallyParts {
  /** The tally item, when there is one (an issue planned by an earlier version may have none). */
  tally: Record<string, unknown> | undefined;
  /** Batch numbers recorded done in the shards. */
  done: Set<number>;
}

/** Sorts an issue's partition items (`ISSUE`, `ISSUE#TALLY`, `ISSUE#DONE#…`) into the issue and its parts. */
export function partsOf(items: readonly Record<string, unknown>[]): { issue: Record<string, unknown> | undefined; parts: TallyParts } {
  let issue: Record<string, unknown> | undefined;
  let tally: Record<string, unknown> | undefined;
  const done = new Set<number>();
  for (const item of items) {
    if (item.sk === 'ISSUE') issue = item;
    else if (item.sk === tallyKey('').sk) tally = item;
    else if (String(item.sk).startsWith(`${ISSUE_PARTS}DONE#`)) for (const n of (item.done as Set<number> | undefined) ?? []) done.add(Number(n));
  }
  return { issue, parts: { tally, done } };
}

/**
 * An issue's counts, batches done and pause as listings show them. An issue planned by an earlier
 * version kept its counts on the issue item: those are added.
 */
export function merged(item: Record<string, unknown>, parts: TallyParts): Record<Count, number> & { batchesDone: number; pausedUntil: Date | undefined } {
  const counts = Object.fromEntries(COUNTS.map((k) => [k, Number(item[k] ?? 0) + Number(parts.tally?.[k] ?? 0)])) as Record<Count, number>;
  return { ...counts, batchesDone: Number(item.batchesDone ?? 0) + parts.done.size, pausedUntil: date(parts.tally?.pausedUntil) ?? date(item.pausedUntil) };
}

/**
 * The small items beside each issue that change while it is sent: the tally (counts, pause, and the
 * planned batch count once planning is complete) and the done shards (number sets of batch numbers,
 * so recording a batch twice counts it once). Writing them never rewrites the large issue item.
 */
export class TallyTable {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  /** A new issue's tally: `chunked` marks an issue whose batches are claimed in chunks. */
  async create(issueId: string, counts: IssueCounts): Promise<void> {
    await written(
      this.db.send(
        new PutCommand({ TableName: this.table, Item: { ...tallyKey(issueId), ...counts, chunked: true }, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    );
  }

  async read(issueId: string): Promise<IssueTally> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: tallyKey(issueId), ConsistentRead: true }));
    return { pausedUntil: date(Item?.pausedUntil), chunked: Item?.chunked === true };
  }

  /** The tally and done shards (and, with `withIssue`, the issue item itself) in one consistent query. */
  async parts(issueId: string, withIssue: boolean): Promise<{ issue: Record<string, unknown> | undefined; parts: TallyParts }> {
    return partsOf(await this.query(issueId, withIssue ? 'ISSUE' : ISSUE_PARTS));
  }

  /** The items of the issue's partition whose sort key starts with `prefix`. */
  query(issueId: string, prefix: string, options: { onlyDone?: boolean } = {}): Promise<Record<string, unknown>[]> {
    return queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ...(options.onlyDone ? { FilterExpression: '#s = :done', ProjectionExpression: '#b', ExpressionAttributeNames: { '#s': 'status', '#b': 'batch' } } : {}),
      ExpressionAttributeValues: { ':pk': issuePartition(issueId), ':prefix': prefix, ...(options.onlyDone ? { ':done': 'done' } : {}) },
    });
  }

  async add(issueId: string, counts: IssueCounts): Promise<void> {
    const sender = SENDER_COUNTS.filter((k) => (counts[k] ?? 0) > 0);
    const events = COUNTS.filter((k) => !SENDER_COUNTS.includes(k as SenderCount) && (counts[k] ?? 0) > 0);
    const add = (keys: readonly Count[], condition?: string) =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: tallyKey(issueId),
          UpdateExpression: `ADD ${keys.map((k) => `${k} :${k}`).join(', ')}`,
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeValues: Object.fromEntries(keys.map((k) => [`:${k}`, counts[k]])),
        }),
      );
    // The sender's counts are made exact from the chunks when the issue finishes: a late addition is dropped.
    if (sender.length > 0) await written(add(sender, 'attribute_not_exists(recounted)'));
    if (events.length > 0) await add(events);
  }

  async pause(issueId: string, until: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({ TableName: this.table, Key: tallyKey(issueId), UpdateExpression: 'SET pausedUntil = :until', ExpressionAttributeValues: { ':until': until.toISOString() } }),
    );
  }

  /** Planning is complete with `batches` batches: delivery can tell when the last is done. */
  async planned(issueId: string, batches: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({ TableName: this.table, Key: tallyKey(issueId), UpdateExpression: 'SET planned = :n', ExpressionAttributeValues: { ':n': batches } }),
    );
  }

  /** Adds the batch to its done shard (a set: adding it again changes nothing), then reads the parts back. */
  async done(issueId: string, batch: number): Promise<TallyParts> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: doneKey(issueId, Math.floor((batch - 1) / DONE_SHARD)),
        UpdateExpression: 'ADD done :batch',
        ExpressionAttributeValues: { ':batch': new Set([batch]) },
      }),
    );
    return (await this.parts(issueId, false)).parts;
  }

  /**
   * Sets the sender's counts to the sum over every chunk's record and stops later additions to them:
   * once every batch is done, that sum is exact whatever was added twice or lost before.
   */
  async recount(issueId: string): Promise<void> {
    const totals = [0, 0, 0];
    for (const item of await this.query(issueId, CLAIMS)) chunkTotals(item).forEach((n, i) => (totals[i]! += n));
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: tallyKey(issueId),
        UpdateExpression: 'SET sent = :sent, skipped = :skipped, failed = :failed, recounted = :true REMOVE pausedUntil',
        ExpressionAttributeValues: { ':sent': totals[0], ':skipped': totals[1], ':failed': totals[2], ':true': true },
      }),
    );
  }

  /** Batch numbers an earlier version marked done on the batch items themselves (read only to finish such an issue). */
  async markedDone(issueId: string): Promise<Set<number>> {
    return new Set((await this.query(issueId, BATCHES, { onlyDone: true })).map((item) => Number(item.batch)));
  }
}
