/**
 * The single table's shape, used by `ensureTable` (the local stand-in, tests) and by the CDK stack:
 *
 * | item          | pk                | sk               | gsi1pk            | gsi1sk      |
 * |---------------|-------------------|------------------|-------------------|-------------|
 * | subscriber    | `SUB#<id>`        | `PROFILE`        | `STATE#<state>`   | `<id>`      |
 * | list state    | `LIST#<listId>`   | `STATE`          |                   |             |
 * | issue         | `ISSUE#<issueId>` | `ISSUE`          | `ISSUES#<listId>` | `<issueId>` |
 * | its tally     | `ISSUE#<issueId>` | `ISSUE#TALLY`    |                   |             |
 * | batches done  | `ISSUE#<issueId>` | `ISSUE#DONE#<0000>` |                |             |
 * | batch         | `ISSUE#<issueId>` | `BATCH#<000001>` |                   |             |
 * | chunk claims  | `ISSUE#<issueId>` | `CLAIMS#<000001>` |                  |             |
 * | delivery      | `ISSUE#<issueId>` | `DLV#<subId>`    |                   |             |
 *
 * Access patterns: a subscriber by id (= by address); confirmed subscribers page by page (gsi1,
 * `STATE#confirmed`); counts by state (gsi1, Select COUNT); an issue with its tally and done shards
 * (one query, `begins_with(sk, 'ISSUE')`), its batches, claims and deliveries by issue id (keys.ts); the newest issues of a list (gsi1, `ISSUES#<listId>`, descending). Items that carry `ttl`
 * (epoch seconds) are removed by DynamoDB after that time.
 *
 * No AWS SDK here: the CDK app reads this without loading a client.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Every key attribute is a string. */
  keyType: 'S',
  indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' }],
  ttlAttribute: 'ttl',
  billing: 'PAY_PER_REQUEST',
} as const;
