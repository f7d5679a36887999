import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES } from '../../functions/handlers/http/admin-routes.ts';
import { ACCESS, TABLE_ACTIONS, type Access } from '../../infra/access.ts';
import { readConfig } from '../../infra/config.ts';
import { FUNCTION_ENV, type Variable } from '../../functions/lambdas/env.ts';
import { FUNCTIONS, handlerExists } from '../../infra/functions.ts';
import { NewsletterStack } from '../../infra/stack.ts';
import { ROOT, tempDir, tempTree } from '../helpers/cli.ts';
import { settingsObject, settingsYaml } from '../helpers/factories.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
interface Statement { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, any> }

/** Synthesises the stack (placeholder code instead of bundles) from settings and context values. */
function synth(context: Record<string, string> = {}, settings: Record<string, unknown> = {}, functions = FUNCTIONS) {
  const contentDir = tempTree({ 'publication.yaml': settingsYaml(settings), 'articles/one.md': '---\ntitle: One\ndate: 2024-01-01T00:00:00Z\n---\nText\n' });
  const app = new App({ outdir: tempDir('cdk.out-'), context: { bundle: 'false', contentDir, ...context } });
  const stack = new NewsletterStack(app, 'Newsletter-test', { config: readConfig(app.node), functions });
  return { stack, template: Template.fromStack(stack) };
}

const digest = settingsObject().digest as Record<string, unknown>;

function ofType(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function functionId(template: Template, name: string): string {
  const [id] = Object.entries(ofType(template, 'AWS::Lambda::Function')).find(([, r]) => String(r.Properties.Description).startsWith(`Newsletter ${name} (`))!;
  return id;
}

/** Every IAM statement attached to one function's role. */
function statementsOf(template: Template, name: string): Statement[] {
  const fn = ofType(template, 'AWS::Lambda::Function')[functionId(template, name)]!;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(ofType(template, 'AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resources = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const refersTo = (value: unknown, logicalIdPrefix: string) => JSON.stringify(value).includes(`"${logicalIdPrefix}`);

describe('the CDK stack', () => {
  let template: Template;
  let stack: NewsletterStack;
  beforeAll(() => {
    ({ template, stack } = synth({}, { digest: { ...digest, schedule: { cron: '30 6 * * 1-5', timezone: 'Europe/London' } } }));
  });

  it('schedules the plan function from the settings: cron converted, IANA time zone kept', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 6 ? * 2-6 *)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [functionId(template, 'plan-issue'), 'Arn'] },
        Input: Match.serializedJson(Match.objectLike({ time: '<aws.scheduler.scheduled-time>', 'detail-type': 'Scheduled Event' })),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
      },
    });
  });

  it("schedules each newsletter of the sample publication on its own cron, naming the newsletter in the plan function's event", () => {
    const app = new App({ outdir: tempDir('cdk.out-'), context: { bundle: 'false', contentDir: join(ROOT, 'content') } });
    const sample = Template.fromStack(new NewsletterStack(app, 'Newsletter-sample', { config: readConfig(app.node) }));
    const plans = Object.entries(ofType(sample, 'AWS::Scheduler::Schedule')).filter(([, r]) => JSON.stringify(r.Properties.Target.Arn).includes(functionId(sample, 'plan-issue')));
    const seen = plans.map(([id, r]) => ({ id: id.replace(/[0-9A-F]{8}$/, ''), cron: r.Properties.ScheduleExpression, zone: r.Properties.ScheduleExpressionTimezone, newsletter: JSON.parse(r.Properties.Target.Input).newsletter }));
    expect(seen.sort((a, b) => a.newsletter.localeCompare(b.newsletter))).toEqual([
      // The legacy newsletter keeps the single digest's schedule (its construct id): a deployed stack updates it in place.
      { id: 'DigestSchedule', cron: 'cron(0 7 ? * 2 *)', zone: 'Asia/Seoul', newsletter: 'digest' },
      { id: 'NewsletterScheduleMilitary', cron: 'cron(0 18 ? * 5 *)', zone: 'Asia/Seoul', newsletter: 'military' },
    ]);
  });

  it('feeds the delivery worker from a queue with a dead-letter queue, bounded concurrency and partial batch failures', () => {
    const queues = ofType(template, 'AWS::SQS::Queue');
    const [queueId, queue] = Object.entries(queues).find(([id]) => id.startsWith('DeliveryQueue'))!;
    const dlqId = Object.keys(queues).find((id) => id.startsWith('DeliveryDeadLetters'))!;
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 10 });
    expect(queue.Properties.VisibilityTimeout).toBe(6 * FUNCTIONS.find((f) => f.name === 'deliver')!.timeoutSeconds);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: functionId(template, 'deliver') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      BatchSize: 1,
    });
  });

  it("gives each worker its share of SES's send rate", () => {
    const { template: fast } = synth({ sesMaxSendRate: '50', deliverConcurrency: '4' });
    const deliver = ofType(fast, 'AWS::Lambda::Function')[functionId(fast, 'deliver')]!;
    expect(deliver.Properties.Environment.Variables.MAX_SEND_RATE).toBe('12.5');
    fast.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 4 } });
  });

  it('keeps one on-demand table with point-in-time recovery, TTL and the gsi1 index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: [{
        IndexName: 'gsi1',
        KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      }],
    });
    expect(Object.values(ofType(template, 'AWS::DynamoDB::Table'))[0]!.DeletionPolicy).toBe('Delete');
  });

  it('protects data in production: table deletion protection, everything retained', () => {
    const { template: prod } = synth({ stage: 'prod' });
    prod.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    for (const bucket of Object.values(ofType(prod, 'AWS::S3::Bucket'))) expect(bucket.DeletionPolicy).toBe('Retain');
    expect(Object.keys(ofType(prod, 'Custom::S3AutoDeleteObjects'))).toEqual([]);
  });

  it('keeps every bucket private: public access blocked, the site read only by CloudFront through origin access control', () => {
    const buckets = ofType(template, 'AWS::S3::Bucket');
    expect(Object.keys(buckets).map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['ContentBucket', 'LogsBucket', 'SiteBucket']);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
    for (const policy of Object.values(ofType(template, 'AWS::S3::BucketPolicy'))) {
      for (const s of policy.Properties.PolicyDocument.Statement as (Statement & { Principal: unknown })[]) {
        if (s.Effect === 'Allow') expect(s.Principal).not.toBe('*');
        if (s.Effect === 'Allow') expect(s.Principal).not.toEqual({ AWS: '*' });
      }
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
      })]) },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }) });
    const distribution = Object.values(ofType(template, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    const s3Origin = distribution.Origins.find((o: any) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('never lets CloudFront read the build\'s own records (.newsletter/) from the site bucket', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^SiteBucket') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteBucket'), 'Arn'] }, '/.newsletter/*']] },
      })]) },
    });
  });

  it('serves the API under /api/* of the same domain, uncached, with every method, and throttled', () => {
    const distribution = Object.values(ofType(template, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    expect(distribution.CacheBehaviors).toEqual([expect.objectContaining({
      PathPattern: '/api/*',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    }), expect.objectContaining({ PathPattern: '/admin*' })]);
    const integrations = ofType(template, 'AWS::ApiGatewayV2::Integration');
    const routes = Object.values(ofType(template, 'AWS::ApiGatewayV2::Route')).map((r) => {
      const integrationId = JSON.stringify(r.Properties.Target).match(/"Ref":"([^"]+)"/)![1]!;
      const target = integrations[integrationId]!.Properties.IntegrationUri['Fn::GetAtt'][0];
      return `${r.Properties.RouteKey} → ${FUNCTIONS.find((f) => functionId(template, f.name) === target)!.name}`;
    });
    expect(routes.sort()).toEqual([
      'GET /api/confirm → confirm',
      'GET /api/preferences → unsubscribe',
      'GET /api/subscribe → subscribe',
      'GET /api/unsubscribe → unsubscribe',
      'POST /api/confirm → confirm',
      'POST /api/preferences → unsubscribe',
      'POST /api/subscribe → subscribe',
      'POST /api/unsubscribe → unsubscribe',
      // The console's routes (each behind the JWT authorizer: tests/infra/console.test.ts).
      ...ADMIN_ROUTES.map((route) => `${route.replace(' /', ' /api/')} → admin`),
    ].sort());
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      RouteSettings: { 'POST /api/subscribe': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } },
    });
    // A stage's route settings may only name routes that already exist.
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as { DependsOn?: string[] }[];
    const subscribeRoute = Object.entries(ofType(template, 'AWS::ApiGatewayV2::Route')).find(([, r]) => r.Properties.RouteKey === 'POST /api/subscribe')![0];
    expect(stage!.DependsOn).toContain(subscribeRoute);
  });

  it('rebuilds the site when content changes, one rebuild at a time', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { LambdaFunctionConfigurations: [
        Match.objectLike({ Events: ['s3:ObjectCreated:*'], LambdaFunctionArn: { 'Fn::GetAtt': [functionId(template, 'feeds'), 'Arn'] } }),
        Match.objectLike({ Events: ['s3:ObjectRemoved:*'] }),
      ] },
    });
    const feeds = ofType(template, 'AWS::Lambda::Function')[functionId(template, 'feeds')]!;
    expect(feeds.Properties.ReservedConcurrentExecutions).toBe(1);
    expect(feeds.Properties.Environment.Variables).toMatchObject({ CONTENT_BUCKET: { Ref: expect.stringMatching(/^ContentBucket/) }, SITE_BUCKET: { Ref: expect.stringMatching(/^SiteBucket/) }, TEMPLATES_DIR: '/var/task/templates' });
    template.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: false, DestinationBucketName: { Ref: Match.stringLikeRegexp('^ContentBucket') } });
  });

  it('sends SES events through a configuration set to an SNS topic and on to the ses-events function', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['send', 'delivery', 'reject', 'bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('^SesEvents') } },
      }),
    });
    // Privacy first: no open or click tracking, and so no redirect domain, unless the publisher asks.
    expect(Object.values(ofType(template, 'AWS::SES::ConfigurationSet'))[0]!.Properties.TrackingOptions).toBeUndefined();
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^SesEvents') },
      Endpoint: { 'Fn::GetAtt': [functionId(template, 'ses-events'), 'Arn'] },
    });
  });

  it('publishes opens and clicks only when the settings turn tracking on, through the tracking domain when one is given', () => {
    const events = (t: Template) => Object.values(ofType(t, 'AWS::SES::ConfigurationSetEventDestination'))[0]!.Properties.EventDestination.MatchingEventTypes;
    const tracked = (tracking: Record<string, boolean>) => ({ digest: { ...digest, tracking } });
    const opens = synth({ trackingDomain: 'Links.Gazette.example.org' }, tracked({ opens: true })).template;
    expect(events(opens)).toEqual(['send', 'delivery', 'reject', 'bounce', 'complaint', 'open']);
    opens.hasResourceProperties('AWS::SES::ConfigurationSet', { TrackingOptions: { CustomRedirectDomain: 'links.gazette.example.org' } });
    expect(events(synth({}, tracked({ opens: true, clicks: true })).template)).toEqual(['send', 'delivery', 'reject', 'bounce', 'complaint', 'open', 'click']);
    // A tracking domain without tracking changes nothing.
    const off = synth({ trackingDomain: 'links.gazette.example.org' }).template;
    expect(Object.values(ofType(off, 'AWS::SES::ConfigurationSet'))[0]!.Properties.TrackingOptions).toBeUndefined();
    expect(() => synth({ trackingDomain: 'https://links.example.org/' })).toThrow('context trackingDomain: a domain name such as links.example.com');
  });

  it('lets mail go only from the sender identity, through the configuration set, from its addresses', () => {
    // confirm sends the welcome mail.
    for (const name of ['subscribe', 'confirm', 'deliver']) {
      const send = statementsOf(template, name).filter((s) => actions(s).some((a) => a.startsWith('ses:')));
      expect(send, name).toHaveLength(1);
      expect(actions(send[0]!)).toEqual(['ses:SendRawEmail']);
      const [domain, addresses, configurationSet, ...others] = resources(send[0]!).map((r) => JSON.stringify(r));
      expect(domain).toMatch(/:identity\/gazette\.example\.org"/);
      expect(addresses).toMatch(/:identity\/\*@gazette\.example\.org"/);
      expect(configurationSet).toContain(':configuration-set/');
      expect(others).toEqual([]);
      expect(send[0]!.Condition).toEqual({ StringLike: { 'ses:FromAddress': '*@gazette.example.org' } });
    }
    for (const name of ['feeds', 'unsubscribe', 'plan-issue', 'ses-events']) {
      expect(statementsOf(template, name).flatMap(actions).filter((a) => a.startsWith('ses:')), name).toEqual([]);
    }
  });

  it('gives each function only its own data: no wildcard resources or actions, no grants beyond its access', () => {
    expect(Object.keys(ACCESS).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    for (const spec of FUNCTIONS) {
      const access = ACCESS[spec.name]!;
      const statements = statementsOf(template, spec.name);
      for (const s of statements) expect(resources(s), `${spec.name}: ${actions(s).join(',')}`).not.toContain('*');
      for (const s of statements) expect(actions(s).filter((a) => a.includes('*')), spec.name).toEqual([]);
      const touches = (prefix: string, logicalId: string) =>
        statements.some((s) => actions(s).some((a) => a.startsWith(prefix)) && refersTo(s.Resource, logicalId));
      expect(touches('dynamodb:', 'Table'), spec.name).toBe(access.includes('table') || access.includes('table:read'));
      // Reading only: no write action on the table.
      if (!access.includes('table')) expect(statements.flatMap(actions).filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)), spec.name).toEqual([]);
      expect(touches('s3:GetObject', 'ContentBucket'), spec.name).toBe(access.includes('content:read'));
      expect(touches('s3:PutObject', 'SiteBucket'), spec.name).toBe(access.includes('site:write'));
      expect(touches('s3:GetObject', 'SiteBucket'), spec.name).toBe(access.includes('site:read'));
      expect(touches('s3:DeleteObject', 'SiteBucket'), spec.name).toBe(access.includes('site:prune'));
      expect(touches('sqs:SendMessage', 'DeliveryQueue'), spec.name).toBe(access.includes('queue:send'));
      expect(statements.some((s) => actions(s).includes('ssm:GetParameter')), spec.name).toBe(access.includes('secret:read'));
      expect(touches('s3:', 'LogsBucket'), spec.name).toBe(false);
    }
    // The delivery worker defers a paused batch by changing its visibility; it never sends batches itself.
    expect(statementsOf(template, 'deliver').some((s) => actions(s).includes('sqs:ChangeMessageVisibility') && refersTo(s.Resource, 'DeliveryQueue'))).toBe(true);
    const secret = statementsOf(template, 'plan-issue').find((s) => actions(s).includes('ssm:GetParameter'))!;
    expect(JSON.stringify(secret.Resource)).toContain(':parameter/newsletter/dev/token-secret');
    // The planner signs the unsubscribe links; the delivery worker cannot read the signing key.
    expect(statementsOf(template, 'deliver').some((s) => actions(s).some((a) => a.startsWith('ssm:')))).toBe(false);
  });

  it('sets the token secret, table and configuration set in the environment of the functions that use them', () => {
    const env = (name: string) => ofType(template, 'AWS::Lambda::Function')[functionId(template, name)]!.Properties.Environment.Variables;
    expect(env('deliver')).not.toHaveProperty('TOKEN_SECRET_PARAM');
    expect(env('plan-issue')).toMatchObject({ TOKEN_SECRET_PARAM: '/newsletter/dev/token-secret' });
    // A sender's role cannot read the SES quota, so every function that mails is told its rate.
    for (const spec of FUNCTIONS.filter((f) => ACCESS[f.name]!.includes('mail:send'))) expect(Number(env(spec.name).MAX_SEND_RATE), spec.name).toBeGreaterThan(0);
    expect(env('subscribe')).toMatchObject({ MAX_SEND_RATE: '5' });
    expect(statementsOf(template, 'subscribe').some((s) => actions(s).includes('ses:GetSendQuota'))).toBe(false);
    expect(env('deliver')).toMatchObject({ TABLE_NAME: { Ref: expect.stringMatching(/^Table/) }, SES_CONFIGURATION_SET: { Ref: expect.stringMatching(/^ConfigurationSet/) }, MAX_SEND_RATE: '7', QUEUE_URL: { Ref: expect.stringMatching(/^DeliveryQueue/) } });
    expect(env('plan-issue')).toMatchObject({ QUEUE_URL: { Ref: expect.stringMatching(/^DeliveryQueue/) }, TEMPLATES_DIR: '/var/task/templates' });
    expect(env('ses-events')).not.toHaveProperty('TOKEN_SECRET_PARAM');
    expect(env('ses-events')).not.toHaveProperty('TEMPLATES_DIR');
  });

  it('gives each function exactly the environment its spec names, and the grants its variables need', () => {
    // What each variable names, and what the function's role must be allowed to do with it (any of these).
    const grantFor: Record<Exclude<Variable, 'TEMPLATES_DIR'>, Access[]> = {
      CONTENT_BUCKET: ['content:read'],
      SITE_BUCKET: ['site:read', 'site:write'],
      TABLE_NAME: ['table', 'table:read'],
      QUEUE_URL: ['queue:send'],
      TOKEN_SECRET_PARAM: ['secret:read'],
      SES_CONFIGURATION_SET: ['mail:send'],
      MAX_SEND_RATE: ['mail:send'],
      PLAN_FUNCTION: ['plan:invoke'],
    };
    for (const spec of FUNCTIONS) {
      const variables = ofType(template, 'AWS::Lambda::Function')[functionId(template, spec.name)]!.Properties.Environment.Variables as Record<string, unknown>;
      expect(Object.keys(variables).sort(), spec.name).toEqual(['NODE_OPTIONS', ...FUNCTION_ENV[spec.name]].sort());
      for (const variable of FUNCTION_ENV[spec.name]) {
        // The queue's consumer defers batches through its event source's grant, not by sending.
        if ((variable === 'QUEUE_URL' && spec.trigger.kind === 'queue') || variable === 'TEMPLATES_DIR') continue;
        expect(ACCESS[spec.name]!.some((a) => grantFor[variable].includes(a)), `${spec.name} ${variable}`).toBe(true);
      }
      // Each variable holds what it names: a bucket, the table, the queue, the parameter, the directory.
      const held: Partial<Record<Variable, unknown>> = {
        CONTENT_BUCKET: { Ref: expect.stringMatching(/^ContentBucket/) },
        SITE_BUCKET: { Ref: expect.stringMatching(/^SiteBucket/) },
        TABLE_NAME: { Ref: expect.stringMatching(/^Table/) },
        QUEUE_URL: { Ref: expect.stringMatching(/^DeliveryQueue/) },
        TOKEN_SECRET_PARAM: '/newsletter/dev/token-secret',
        TEMPLATES_DIR: '/var/task/templates',
        SES_CONFIGURATION_SET: { Ref: expect.stringMatching(/^ConfigurationSet/) },
        MAX_SEND_RATE: expect.stringMatching(/^\d+(\.\d+)?$/),
        PLAN_FUNCTION: { Ref: expect.stringMatching(/^PlanIssueFunction/) },
      };
      for (const variable of FUNCTION_ENV[spec.name]) expect(variables[variable], `${spec.name} ${variable}`).toEqual(held[variable]);
    }
  });

  it('keeps every function on Node with one month of logs and an errors alarm', () => {
    for (const spec of FUNCTIONS) {
      const fn = ofType(template, 'AWS::Lambda::Function')[functionId(template, spec.name)]!;
      expect(fn.Properties.Runtime).toMatch(/^nodejs\d+\.x$/);
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(ofType(template, 'AWS::Logs::LogGroup')[logGroupId]!.Properties).toMatchObject({ RetentionInDays: 30, LogGroupName: `/newsletter/dev/${spec.name}` });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(template, spec.name) } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
      });
    }
  });

  it('lets CloudWatch publish alarms to the alarms topic', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceAccount': Match.anyValue() } },
      })]) },
    });
  });

  it('raises an alarm as soon as a delivery batch lands in the dead-letter queue', () => {
    const dlqId = Object.keys(ofType(template, 'AWS::SQS::Queue')).find((id) => id.startsWith('DeliveryDeadLetters'))!;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('lets the site build write, read and remove pages, and the planner write archive pages, on the site bucket only', () => {
    const siteGrants = (name: string) =>
      statementsOf(template, name)
        .filter((s) => refersTo(s.Resource, 'SiteBucket'))
        .flatMap((s) => actions(s).map((a) => `${a} ${resources(s).map((r) => (JSON.stringify(r).includes('/*') ? 'objects' : 'bucket')).join()}`))
        .sort();
    expect(siteGrants('feeds')).toEqual(['s3:DeleteObject objects', 's3:GetObject objects', 's3:ListBucket bucket', 's3:PutObject objects']);
    expect(siteGrants('plan-issue')).toEqual(['s3:GetObject objects', 's3:PutObject objects']);
    for (const name of ['subscribe', 'confirm', 'unsubscribe', 'deliver', 'ses-events']) expect(siteGrants(name), name).toEqual([]);
    // Nothing but the site bucket: the feeds function cannot delete articles.
    expect(statementsOf(template, 'feeds').filter((s) => actions(s).includes('s3:DeleteObject')).flatMap(resources).map((r) => JSON.stringify(r))).toEqual([
      expect.stringMatching(/^\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["SiteBucket\w+","Arn"\]\},"\/\*"\]\]\}$/),
    ]);
  });

  it("keeps the delivery worker's grants: the table and its one index, SES, its queue, its log group", () => {
    const grants = statementsOf(template, 'deliver').map((s) => ({ actions: actions(s).sort(), on: resources(s).map((r) => JSON.stringify(r).match(/"(Table|DeliveryQueue|DeliverLogs|ConfigurationSet)\w*"|identity\/[^"]+|\/index\/\w+/g)!.join(' ')) }));
    expect(grants).toEqual(expect.arrayContaining([
      { actions: [...TABLE_ACTIONS].sort(), on: ['"TableCD117FA1"', '"TableCD117FA1" /index/gsi1'] },
      { actions: ['ses:SendRawEmail'], on: ['identity/gazette.example.org', 'identity/*@gazette.example.org', '"ConfigurationSet3DD38186"'] },
      { actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], on: ['"DeliveryQueueA11633D0"'] },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], on: [expect.stringMatching(/^"DeliverLogs/)] },
    ]));
    expect(grants).toHaveLength(4);
  });

  it('checks the calendar every 5 minutes: a schedule asks the feeds function to publish what has come due', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [functionId(template, 'feeds'), 'Arn'] },
        Input: JSON.stringify({ reason: 'calendar' }),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
      },
    });
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
  });

  it('gives every function a role of its own with no managed policy, writing to its own log group only', () => {
    for (const spec of FUNCTIONS) {
      const fn = ofType(template, 'AWS::Lambda::Function')[functionId(template, spec.name)]!;
      const role = ofType(template, 'AWS::IAM::Role')[fn.Properties.Role['Fn::GetAtt'][0]]!;
      expect(role.Properties.ManagedPolicyArns, spec.name).toBeUndefined();
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      const logging = statementsOf(template, spec.name).filter((s) => actions(s).some((a) => a.startsWith('logs:')));
      expect(logging.map((s) => [actions(s), resources(s)]), spec.name).toEqual([[['logs:CreateLogStream', 'logs:PutLogEvents'], [{ 'Fn::GetAtt': [logGroupId, 'Arn'] }]]]);
    }
    const roles = Object.values(ofType(template, 'AWS::Lambda::Function')).map((f) => f.Properties.Role['Fn::GetAtt'][0]);
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('logs access: the API to its log group, CloudFront and both buckets to the logs bucket, kept a month', () => {
    const logsBucket = Object.keys(ofType(template, 'AWS::S3::Bucket')).find((id) => id.startsWith('LogsBucket'))!;
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccessLogs'), 'Arn'] }, Format: Match.stringLikeRegexp('requestId') },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/newsletter/dev/api', RetentionInDays: 30 });
    const distribution = Object.values(ofType(template, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    expect(distribution.Logging).toEqual({ Bucket: { 'Fn::GetAtt': [logsBucket, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
    for (const [bucket, prefix] of [['ContentBucket', 's3/content/'], ['SiteBucket', 's3/site/']] as const) {
      const [, { Properties }] = Object.entries(ofType(template, 'AWS::S3::Bucket')).find(([id]) => id.startsWith(bucket))!;
      expect(Properties.LoggingConfiguration, bucket).toEqual({ DestinationBucketName: { Ref: logsBucket }, LogFilePrefix: prefix });
    }
    const logs = ofType(template, 'AWS::S3::Bucket')[logsBucket]!.Properties;
    expect(logs.LifecycleConfiguration).toEqual({ Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] });
    expect(logs.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
  });

  it('tells a function the name of each bucket, table and queue it may use, and of no other', () => {
    const shared = ['ContentBucket', 'SiteBucket', 'Table', 'DeliveryQueue'];
    const named = (value: unknown) => shared.filter((id) => refersTo(value, id));
    for (const spec of FUNCTIONS) {
      const fn = ofType(template, 'AWS::Lambda::Function')[functionId(template, spec.name)]!;
      const told = named(fn.Properties.Environment.Variables);
      const granted = named(statementsOf(template, spec.name).map((s) => s.Resource));
      expect(told, spec.name).toEqual(granted);
    }
  });

  it('names the site and API URLs to put in the settings', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['SiteUrl', 'ApiUrl', 'ContentBucketName', 'DeliveryDeadLetterQueueUrl']));
    expect(stack.functions.size).toBe(FUNCTIONS.length);
  });
});

describe('stack configuration', () => {
  it('refuses a digest sender that the SES identity does not cover', () => {
    expect(() => synth({ senderIdentity: 'other.example.com' })).toThrow(
      'digest.from digest@gazette.example.org is not covered by the SES identity other.example.com',
    );
  });

  it('accepts an address identity and limits sending to that address', () => {
    const { template } = synth({ senderIdentity: 'digest@gazette.example.org' });
    const send = statementsOf(template, 'deliver').find((s) => actions(s).includes('ses:SendRawEmail'))!;
    expect(send.Condition).toEqual({ StringLike: { 'ses:FromAddress': 'digest@gazette.example.org' } });
    expect(resources(send).map((r) => JSON.stringify(r)).filter((r) => r.includes(':identity/'))).toEqual([expect.stringMatching(/:identity\/digest@gazette\.example\.org"/)]);
  });

  it("serves a custom domain with TLSv1.2_2021 and adds the operator's web ACL and country allow-list", () => {
    const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/gazette/0a1b2c3d-4e5f';
    const { template } = synth({ domainName: 'gazette.example.org', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', webAclArn, geoAllow: 'us, ca,US' });
    const distribution = Object.values(ofType(template, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    expect(distribution.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(distribution.WebACLId).toBe(webAclArn);
    expect(distribution.Restrictions).toEqual({ GeoRestriction: { Locations: ['US', 'CA'], RestrictionType: 'whitelist' } });
    const plain = Object.values(ofType(synth().template, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    expect(plain.WebACLId).toBeUndefined();
    expect(plain.Restrictions).toBeUndefined();
  });

  it('refuses a web ACL that is not a CloudFront one and a country that is not a two-letter code', () => {
    expect(() => synth({ webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/1' })).toThrow('context webAclArn: a WAFv2 web ACL of scope CLOUDFRONT');
    expect(() => synth({ geoAllow: 'US,Canada' })).toThrow('context geoAllow: two-letter country codes separated by commas (such as US,CA), got "CANADA"');
  });

  it('refuses a schedule EventBridge Scheduler cannot express', () => {
    expect(() => synth({}, { digest: { ...digest, schedule: { cron: '0 7 1 * 1', timezone: 'UTC' } } })).toThrow('restricts both the day of the month and the day of the week');
  });

  it('deploys exactly the functions whose composition roots exist, and every root is in the function table', () => {
    const dir = join(ROOT, 'functions/lambdas');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && /^export (async )?(function|const) handler\b/m.test(readFileSync(join(dir, f), 'utf8')))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(FUNCTIONS.map((f) => f.name)).toEqual(expect.arrayContaining(files));
    const app = new App({ outdir: tempDir('cdk.out-'), context: { bundle: 'false' } });
    const stack = new NewsletterStack(app, 'Newsletter-existing', { config: readConfig(app.node) });
    expect([...stack.functions.keys()].sort()).toEqual(FUNCTIONS.filter(handlerExists).map((f) => f.name).sort());
    expect([...stack.functions.keys()].sort()).toEqual(files.sort());
  });
});
