/** The keys of an issue's items (see schema.ts): every item of one issue shares its partition. */
const pk = (issueId: string) => `ISSUE#${issueId}`;
const number = (n: number) => String(n).padStart(6, '0');

/** The issue: its settings, rendered digest and planning (large; written rarely). */
export const issueKey = (id: string) => ({ pk: pk(id), sk: 'ISSUE' });
/** The issue's tally: its counts and what delivery checks before each batch (small; written per chunk). */
export const tallyKey = (id: string) => ({ pk: pk(id), sk: 'ISSUE#TALLY' });
/** Batches done, as number sets of DONE_SHARD batches each (so no write grows with the list). */
export const doneKey = (id: string, shard: number) => ({ pk: pk(id), sk: `ISSUE#DONE#${String(shard).padStart(4, '0')}` });
export const DONE_SHARD = 500;
/** Everything but the issue itself that it keeps beside it: the tally and the done shards. */
export const ISSUE_PARTS = 'ISSUE#';
/** One batch's recipients, as planned. */
export const batchKey = (id: string, n: number) => ({ pk: pk(id), sk: `BATCH#${number(n)}` });
export const BATCHES = 'BATCH#';
/** The claims on one batch's chunks. */
export const claimsKey = (id: string, n: number) => ({ pk: pk(id), sk: `CLAIMS#${number(n)}` });
export const CLAIMS = 'CLAIMS#';
/** One recipient's delivery record. */
export const deliveryKey = (issueId: string, subscriberId: string) => ({ pk: pk(issueId), sk: `DLV#${subscriberId}` });
export const DELIVERY = 'DLV#';
export const issuePartition = pk;
