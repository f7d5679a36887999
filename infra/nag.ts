import { Stack, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
// Not re-exported by the package; the same function cdk-nag uses to name a wildcard finding.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** AWS's own rule pack, run on every synth: an unacknowledged finding stops it. */
export function checkAgainstAwsSolutions(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/** Acknowledges an AwsSolutions rule on `scope` and everything under it. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/**
 * Acknowledges one wildcard resource (IAM5) in the policies under `scope`, named by the value the
 * grant used (e.g. `bucket.arnForObjects('*')`), so the acknowledgement covers exactly that grant.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  acknowledge(scope, `IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`, reason);
}

/** Acknowledges one wildcard action (IAM5), such as CDK's `s3:GetObject*`, in the policies under `scope`. */
export function acknowledgeWildcardAction(scope: IConstruct, action: string, reason: string): void {
  acknowledge(scope, `IAM5[Action::${action}]`, reason);
}

/**
 * A function CDK adds once per stack for its own constructs (BucketDeployment, bucket notifications):
 * the newest one whose id starts so, that is the one the construct the caller just made uses (two
 * BucketDeployments of different sizes have a handler each).
 */
export function cdkSingleton(stack: Stack, idPrefix: string): IConstruct {
  const found = stack.node.children.findLast((child) => child.node.id.startsWith(idPrefix));
  if (!found) throw new Error(`no ${idPrefix}* construct in ${stack.node.path}`);
  return found;
}
