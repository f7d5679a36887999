import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from './schema.ts';

const keys = (on: { partitionKey: string; sortKey: string }) => [
  { AttributeName: on.partitionKey, KeyType: 'HASH' as const },
  { AttributeName: on.sortKey, KeyType: 'RANGE' as const },
];

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Creates the table (schema.ts) when it does not exist: the local stand-in and tests; the CDK stack creates it on AWS. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: TABLE_SCHEMA.billing,
        AttributeDefinitions: [TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey, ...TABLE_SCHEMA.indexes.flatMap((i) => [i.partitionKey, i.sortKey])].map((name) => ({
          AttributeName: name,
          AttributeType: TABLE_SCHEMA.keyType,
        })),
        KeySchema: keys(TABLE_SCHEMA),
        GlobalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) => ({ IndexName: index.name, KeySchema: keys(index), Projection: { ProjectionType: index.projection } })),
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

/** Every item a query matches, page after page (consistent reads unless the input says otherwise). */
export async function queryAll(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ConsistentRead: true, ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
