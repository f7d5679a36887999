import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

