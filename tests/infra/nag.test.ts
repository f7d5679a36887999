import { App, Validations } from 'aws-cdk-lib';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.ts';
import { NewsletterStack } from '../../infra/stack.ts';
import { tempDir } from '../helpers/cli.ts';

/** The repository's own content and settings, as `cdk synth` builds them (placeholder code instead of bundles). */
function stack(context: Record<string, string> = {}, env?: { account: string; region: string }): NewsletterStack {
  const app = new App({ outdir: tempDir('cdk.out-'), context: { bundle: 'false', ...context } });
  return new NewsletterStack(app, `Newsletter-${context.stage ?? 'dev'}`, { config: readConfig(app.node), env });
}

/** Every finding of AWS's AwsSolutions rule pack that is not acknowledged: `rule at path`. */
function findings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`));
}

/** Every acknowledgement in the tree: `rule → reason`. */
function acknowledgements(scope: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const rule = id.replace(/^annotation::/i, '');
        if (rule.startsWith('AwsSolutions-')) found.set(rule, reason);
      }
    }
  }
  return found;
}

const rules = (acks: Map<string, string>) => [...new Set([...acks.keys()].map((id) => id.replace(/\[.*$/, '')))].sort();
const domain = { domainName: 'news.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' };

describe("AWS's AwsSolutions rule pack (cdk-nag)", () => {
  it.each([
    ['the default stage', {}, undefined],
    ['the prod stage', { stage: 'prod' }, undefined],
    ['the prod stage of an account and region, on a custom domain', { stage: 'prod', ...domain }, { account: '123456789012', region: 'eu-west-1' }],
  ])('finds nothing unacknowledged on %s', (_, context, env) => {
    expect(findings(stack(context, env))).toEqual([]);
  });

  it('acknowledges only what cannot be fixed in the stack, each with its reason', () => {
    const acks = acknowledgements(stack({ stage: 'prod' }));
    expect(rules(acks)).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4', 'AwsSolutions-COG3', 'AwsSolutions-COG8', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-S1']);
    for (const [id, reason] of acks) expect(reason.length, id).toBeGreaterThan(40);
    // Only wildcards over objects whose keys cannot be known, SES addresses, CDK's own handlers and versions.
    const wildcards = [...acks.keys()].filter((id) => id.startsWith('AwsSolutions-IAM5')).map((id) => id.slice('AwsSolutions-IAM5'.length)).sort();
    expect(wildcards).toEqual([
      '[Action::s3:Abort*]',
      '[Action::s3:DeleteObject*]',
      '[Action::s3:GetBucket*]',
      '[Action::s3:GetObject*]',
      '[Action::s3:List*]',
      expect.stringMatching(/^\[Resource::<ContentBucket\w+\.Arn>\/\*\]$/),
      expect.stringMatching(/^\[Resource::<FeedsFunction\w+\.Arn>:\*\]$/),
      expect.stringMatching(/^\[Resource::<PlanIssueFunction\w+\.Arn>:\*\]$/),
      expect.stringMatching(/^\[Resource::<SiteBucket\w+\.Arn>\/\*\]$/),
      '[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      '[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*@news.example.com]',
    ]);
  });

  it('needs no TLS, WAF or geo acknowledgement once the operator sets a domain, a web ACL and countries', () => {
    const configured = stack({ ...domain, webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/news/0a1b', geoAllow: 'US,CA' });
    expect(findings(configured)).toEqual([]);
    expect(rules(acknowledgements(configured)).filter((r) => /CFR/.test(r))).toEqual([]);
  });

  it('still holds an operator route to an authorizer: only the reader routes are acknowledged as public', () => {
    const built = stack();
    built.edge.addRoute('GET /admin/audit', new HttpLambdaIntegration('Admin', built.functions.get('confirm')!), false);
    expect(findings(built)).toEqual([expect.stringMatching(/^error AwsSolutions-APIG4 at Newsletter-dev\/Edge\/Api\/GET--api--admin--audit\//)]);
  });
});
