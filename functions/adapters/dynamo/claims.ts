import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClaimStore } from '../../core/sending/ports.ts';
import type { BatchClaims, ChunkState } from '../../core/sending/types.ts';
import { claimsKey } from './keys.ts';
import { written } from './table.ts';

/** A chunk as stored: one map attribute `c<chunk>` on the batch's claims item. */
interface StoredChunk {
  s: ChunkState['status'];
  by: string;
  at: string;
  todo?: number[];
  /** sent, skipped, failed */
  n: [number, number, number];
}

const stored = (state: ChunkState): StoredChunk => ({
  s: state.status,
  by: state.by,
  at: state.at.toISOString(),
  ...(state.todo ? { todo: state.todo } : {}),
  n: [state.counts.sent, state.counts.skipped, state.counts.failed],
});

const chunkOf = (item: StoredChunk): ChunkState => ({
  status: item.s,
  by: item.by,
  at: new Date(item.at),
  todo: item.todo?.map(Number),
  counts: { sent: Number(item.n[0]), skipped: Number(item.n[1]), failed: Number(item.n[2]) },
});

/** The sender's counts over every chunk of a claims item (for the recount when an issue finishes). */
export function chunkTotals(item: Record<string, unknown>): [number, number, number] {
  const totals: [number, number, number] = [0, 0, 0];
  for (const [name, value] of Object.entries(item)) {
    if (!/^c\d+$/.test(name)) continue;
    const n = (value as StoredChunk).n;
    for (let i = 0; i < 3; i++) totals[i]! += Number(n[i]);
  }
  return totals;
}

/**
 * The claims on one batch's chunks, on one small item per batch (`CLAIMS#<batch>`, beside the batch):
 * each claim and each record is one conditional write of it.
 */
export class DynamoClaimStore implements ClaimStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async read(issueId: string, batch: number): Promise<BatchClaims> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: claimsKey(issueId, batch), ConsistentRead: true }));
    const chunks = new Map<number, ChunkState>();
    for (const [name, value] of Object.entries(Item ?? {})) {
      const chunk = /^c(\d+)$/.exec(name);
      if (chunk) chunks.set(Number(chunk[1]), chunkOf(value as StoredChunk));
    }
    return { chunkSize: typeof Item?.size === 'number' ? Item.size : undefined, chunks };
  }

  async claim(
    issueId: string,
    batch: number,
    chunk: number,
    claim: { by: string; at: Date; chunkSize: number; previous?: ChunkState | undefined; doubtBefore: Date },
  ): Promise<boolean> {
    const { previous } = claim;
    const state: ChunkState = { status: 'sending', by: claim.by, at: claim.at, todo: previous?.todo, counts: previous?.counts ?? { sent: 0, skipped: 0, failed: 0 } };
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: claimsKey(issueId, batch),
          UpdateExpression: 'SET #size = :size, #c = :state',
          // Nobody has touched the chunk since it was read: new, left partial, or claimed and in doubt.
          ConditionExpression: `(attribute_not_exists(#size) OR #size = :size) AND ${
            previous ? '#c.#by = :previous AND (#c.s = :partial OR (#c.s = :sending AND #c.#at < :doubt))' : 'attribute_not_exists(#c)'
          }`,
          ExpressionAttributeNames: { '#size': 'size', '#c': `c${chunk}`, ...(previous ? { '#by': 'by', '#at': 'at' } : {}) },
          ExpressionAttributeValues: {
            ':size': claim.chunkSize,
            ':state': stored(state),
            ...(previous ? { ':previous': previous.by, ':partial': 'partial', ':sending': 'sending', ':doubt': claim.doubtBefore.toISOString() } : {}),
          },
        }),
      ),
    );
  }

  async record(issueId: string, batch: number, chunk: number, state: ChunkState): Promise<boolean> {
    return written(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: claimsKey(issueId, batch),
          UpdateExpression: 'SET #c = :state',
          ConditionExpression: '#c.#by = :by AND #c.s = :sending',
          ExpressionAttributeNames: { '#c': `c${chunk}`, '#by': 'by' },
          ExpressionAttributeValues: { ':state': stored(state), ':by': state.by, ':sending': 'sending' },
        }),
      ),
    );
  }
}
