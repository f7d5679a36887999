import * as iam from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/** What a function may do with the stack's data. Each kind is one or two narrow IAM statements. */
export type Access =
  /** Read the settings and articles: GetObject and ListBucket on the content bucket. */
  | 'content:read'
  /** Read what the site build wrote (its manifest, the pages): GetObject on the site bucket. */
  | 'site:read'
  /** Write pages and feeds: PutObject on the site bucket. */
  | 'site:write'
  /** Remove pages the build no longer produces: DeleteObject and ListBucket on the site bucket. */
  | 'site:prune'
  /** Read and write subscribers, issues and deliveries in the table and its indexes. */
  | 'table'
  /** Read the issues (the digest's archive) from the table and its indexes. */
  | 'table:read'
  /** Send delivery batches to the queue. */
  | 'queue:send'
  /** Read the token signing key from SSM. */
  | 'secret:read'
  /** Send mail from the sender identity, through the configuration set. */
  | 'mail:send'
  /** Invoke the plan-issue function (the console's "send now"). */
  | 'plan:invoke';

/** Every function's access, by function name (infra/functions.ts). Nothing else is granted. */
export const ACCESS: Readonly<Record<string, readonly Access[]>> = {
  feeds: ['content:read', 'site:read', 'site:write', 'site:prune', 'table:read'],
  subscribe: ['content:read', 'table', 'secret:read', 'mail:send'],
  confirm: ['content:read', 'table', 'secret:read', 'mail:send'],
  unsubscribe: ['content:read', 'table', 'secret:read'],
  'plan-issue': ['content:read', 'site:read', 'site:write', 'table', 'queue:send', 'secret:read'],
  deliver: ['table', 'mail:send'],
  'ses-events': ['table'],
  admin: ['content:read', 'site:read', 'table', 'secret:read', 'mail:send', 'plan:invoke'],
};

/** The table's item actions (CDK's grantReadWriteData without the stream actions: the table has no stream). */
export const TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];

/** Reading the table only. */
export const TABLE_READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query'];

/** One IAM statement; `wildcard` says why a resource with `*` in it cannot be narrower. */
export interface Grant {
  actions: string[];
  resources: string[];
  conditions?: Record<string, Record<string, string>>;
  wildcard?: string;
}

/** The resources the grants name. */
export interface AccessResources {
  contentBucket: IBucket;
  siteBucket: IBucket;
  tableArn: string;
  /** Index names of the table (each index is named, never `index/*`). */
  tableIndexes: readonly string[];
  queue: IQueue;
  /** ARN of the SSM parameter holding the token signing key. */
  secretParameterArn: string;
  mail: Grant;
  /** The plan-issue function, when it is deployed. */
  planFunctionArn?: string | undefined;
}

const OBJECTS_OF_CONTENT = 'the settings file and the articles, whose keys are the file names the publisher chose';
const OBJECTS_OF_SITE = 'the pages, feeds and archive of the site, whose keys follow the articles and issues';

/** The grants for one function's access. */
export function accessGrants(access: readonly Access[], r: AccessResources): Grant[] {
  const content = r.contentBucket.arnForObjects('*');
  const site = r.siteBucket.arnForObjects('*');
  const grants: Record<Access, Grant[]> = {
    'content:read': [
      { actions: ['s3:GetObject'], resources: [content], wildcard: OBJECTS_OF_CONTENT },
      { actions: ['s3:ListBucket'], resources: [r.contentBucket.bucketArn] },
    ],
    'site:read': [{ actions: ['s3:GetObject'], resources: [site], wildcard: OBJECTS_OF_SITE }],
    'site:write': [{ actions: ['s3:PutObject'], resources: [site], wildcard: OBJECTS_OF_SITE }],
    'site:prune': [
      { actions: ['s3:DeleteObject'], resources: [site], wildcard: OBJECTS_OF_SITE },
      { actions: ['s3:ListBucket'], resources: [r.siteBucket.bucketArn] },
    ],
    table: [{ actions: TABLE_ACTIONS, resources: [r.tableArn, ...r.tableIndexes.map((name) => `${r.tableArn}/index/${name}`)] }],
    'table:read': [{ actions: TABLE_READ_ACTIONS, resources: [r.tableArn, ...r.tableIndexes.map((name) => `${r.tableArn}/index/${name}`)] }],
    'queue:send': [{ actions: ['sqs:SendMessage'], resources: [r.queue.queueArn] }],
    'secret:read': [{ actions: ['ssm:GetParameter'], resources: [r.secretParameterArn] }],
    'mail:send': [r.mail],
    'plan:invoke': r.planFunctionArn ? [{ actions: ['lambda:InvokeFunction'], resources: [r.planFunctionArn] }] : [],
  };
  if (access.includes('plan:invoke') && !r.planFunctionArn) throw new Error('plan:invoke needs the plan-issue function in the stack');
  return access.flatMap((kind) => grants[kind]);
}

export function statementOf(grant: Grant): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: grant.actions, resources: grant.resources, ...(grant.conditions && { conditions: grant.conditions }) });
}
