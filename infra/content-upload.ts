import type { Stack } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { acknowledge, acknowledgeWildcardAction, acknowledgeWildcardResource, cdkSingleton } from './nag.ts';

export interface ContentUploadProps {
  contentDir: string;
  bucket: IBucket;
  /** The handler's role (no managed policy) and the log group it writes to. */
  role: Role;
  logGroup: ILogGroup;
}

const CDK_GRANTS = "CDK's BucketDeployment grants its own handler these (read the asset, copy it into the content bucket) and offers no narrower choice";

/** Uploads content/ to the content bucket on every deploy, keeping files uploaded directly. */
export function uploadContent(stack: Stack, { contentDir, bucket, role, logGroup }: ContentUploadProps): BucketDeployment {
  const source = Source.asset(contentDir);
  let assetBucket: IBucket | undefined;
  const deployment = new BucketDeployment(stack, 'ContentUpload', {
    // Passes the asset through, noting the bucket CDK stages it in (its read grant is acknowledged below).
    sources: [{ bind: (scope, context) => { const bound = source.bind(scope, context); assetBucket = bound.bucket; return bound; } }],
    destinationBucket: bucket,
    // Articles the publisher uploads directly are kept.
    prune: false,
    memoryLimit: 512,
    role,
    logGroup,
  });
  for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) acknowledgeWildcardAction(role, action, CDK_GRANTS);
  acknowledgeWildcardResource(role, assetBucket!.arnForObjects('*'), `${CDK_GRANTS}; the asset's key is a content hash`);
  acknowledgeWildcardResource(role, bucket.arnForObjects('*'), `${CDK_GRANTS}; it writes every file of content/`);
  acknowledge(cdkSingleton(stack, 'Custom::CDKBucketDeployment'), 'L1', "CDK's BucketDeployment handler runs on the Python runtime aws-cdk-lib chooses, which moves forward with its releases");
  return deployment;
}
