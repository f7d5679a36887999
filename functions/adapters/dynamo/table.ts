import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The single table (same shape as the CDK stack's):
 *
 * | item          | pk                | sk               | gsi1pk           | gsi1sk |
 * |---------------|-------------------|------------------|------------------|--------|
 * | subscriber    | `SUB#<id>`        | `PROFILE`        | `STATE#<state>`  | `<id>` |
 * | list state    | `LIST#<listId>`   | `STATE`          |                  |        |
 * | issue         | `ISSUE#<issueId>` | `ISSUE`          | `ISSUES#<listId>`| `<issueId>` |
 * | batch         | `ISSUE#<issueId>` | `BATCH#<000001>` |                  |        |
 * | delivery      | `ISSUE#<issueId>` | `DLV#<subId>`    |                  |        |
 *
 * Access patterns: a subscriber by id (= by address); confirmed subscribers page by page (gsi1,
 * `STATE#confirmed`); counts by state (gsi1, Select COUNT); an issue, its batches and deliveries by
 * issue id; the newest issues of a list (gsi1, `ISSUES#<listId>`, descending). Pending subscribers
 * carry `ttl` (epoch seconds) so DynamoDB removes unconfirmed addresses.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  index: 'gsi1',
  indexPartitionKey: 'gsi1pk',
  indexSortKey: 'gsi1sk',
  ttlAttribute: 'ttl',
} as const;

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Creates the table when it does not exist (local stand-in and tests; the CDK stack creates it on AWS). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`table ${tableName} did not become active`);
}

export function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * The outcome of a conditional write (`written(db.send(new PutCommand({ … ConditionExpression })))`):
 * true when it was made, false when its condition did not hold (the record was not in the state the
 * write expects, or someone else got there first). Any other error is thrown.
 */
export async function written(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export const iso = (d: Date | undefined): string | undefined => d?.toISOString();
export const date = (s: unknown): Date | undefined => (typeof s === 'string' ? new Date(s) : undefined);


/**
 * Reads items by key, a hundred per request (BatchGetItem's limit), retrying what DynamoDB leaves
 * unprocessed with backoff; consistent reads. Missing items are simply absent from the result.
 */
export async function batchGet(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  projection?: { expression: string; names: Record<string, string> },
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: pending, ConsistentRead: true, ...(projection ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names } : {}) },
          },
        }),
      );
      items.push(...((out.Responses?.[table] ?? []) as Record<string, unknown>[]));
      pending = out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
      if (attempt > 8 && pending?.length) throw new Error('DynamoDB kept returning unprocessed keys');
    }
  }
  return items;
}
