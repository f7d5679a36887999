import { join } from 'node:path';
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../functions/adapters/dynamo/schema.ts';
import { SITE_STATE_DIR } from '../functions/core/ports.ts';
import { FUNCTION_ENV, type Variable } from '../functions/lambdas/env.ts';
import { PROJECT_ROOT } from '../functions/wiring/paths.ts';
import { ACCESS, accessGrants, statementOf, type Access, type Grant } from './access.ts';
import { BUNDLED_TEMPLATES_DIR, bundlingOptions, RUNTIME } from './bundling.ts';
import type { StackConfig } from './config.ts';
import { OperatorConsole } from './console.ts';
import { Edge, MAILING_RATE_LIMIT } from './edge.ts';
import { API_PREFIX, FUNCTIONS, handlerEntry, handlerExists, type FunctionSpec } from './functions.ts';
import { uploadContent } from './content-upload.ts';
import { acknowledge, acknowledgeWildcardResource, cdkSingleton } from './nag.ts';
import { newslettersOf } from '../functions/core/newsletters/list.ts';
import { calendarSchedule, newsletterSchedules } from './schedule.ts';

export interface NewsletterStackProps extends StackProps {
  config: StackConfig;
  /** The functions to deploy; by default every one in FUNCTIONS whose handler file exists. */
  functions?: FunctionSpec[];
}

/** Times the queue hands out a delivery batch before it moves to the dead-letter queue. */
export const MAX_DELIVERY_ATTEMPTS = 10;

/** Logs of every kind are kept a month: function logs, API and CloudFront access logs (they hold readers' IP addresses). */
export const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

/** The whole product on AWS: content and site buckets, CDN, HTTP API, schedule, queue, table, SES. */
export class NewsletterStack extends Stack {
  readonly functions = new Map<string, NodejsFunction>();
  private readonly config: StackConfig;
  private readonly removal: RemovalPolicy;
  readonly table: dynamodb.Table;
  readonly contentBucket: s3.Bucket;
  readonly siteBucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  private readonly tableIndexes: string[] = [];
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly sesEventsDeadLetters: sqs.Queue;
  readonly sesEvents: sns.Topic;
  readonly configurationSet: ses.ConfigurationSet;
  readonly alarms: sns.Topic;
  readonly edge: Edge;
  readonly console: OperatorConsole;

  constructor(scope: Construct, id: string, props: NewsletterStackProps) {
    super(scope, id, props);
    const config = (this.config = props.config);
    this.removal = config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // The shape ensureTable gives the local stand-in (functions/adapters/dynamo/schema.ts).
    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: key(TABLE_SCHEMA.partitionKey),
      sortKey: key(TABLE_SCHEMA.sortKey),
      billingMode: dynamodb.BillingMode[TABLE_SCHEMA.billing],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Pending subscribers who never confirm are removed by DynamoDB.
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      deletionProtection: config.production,
      removalPolicy: this.removal,
    });
    for (const index of TABLE_SCHEMA.indexes) {
      this.tableIndexes.push(index.name);
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType[index.projection],
      });
    }

    const bucketDefaults: s3.BucketProps = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: this.removal,
      autoDeleteObjects: !config.production,
    };
    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      ...bucketDefaults,
      // CloudFront delivers standard logs with an ACL grant, so this bucket (only this one) keeps ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(LOG_RETENTION) }],
    });
    acknowledge(this.logsBucket, 'S1', 'This bucket receives the access logs of the other buckets and of CloudFront; logging its own access would log every log delivery');
    this.contentBucket = new s3.Bucket(this, 'ContentBucket', { ...bucketDefaults, versioned: true, serverAccessLogsBucket: this.logsBucket, serverAccessLogsPrefix: 's3/content/' });
    this.siteBucket = new s3.Bucket(this, 'SiteBucket', { ...bucketDefaults, serverAccessLogsBucket: this.logsBucket, serverAccessLogsPrefix: 's3/site/' });

    this.deadLetters = new sqs.Queue(this, 'DeliveryDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const deliver = FUNCTIONS.find((f) => f.name === 'deliver')!;
    this.queue = new sqs.Queue(this, 'DeliveryQueue', {
      // Lambda's advice: at least six times the worker's timeout, so a batch is never handed out twice at once.
      visibilityTimeout: Duration.seconds(deliver.timeoutSeconds * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A throttled or paused batch comes back on purpose (each return counts); ten leaves room for that.
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_DELIVERY_ATTEMPTS },
    });
    this.sesEventsDeadLetters = new sqs.Queue(this, 'SesEventsDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    this.sesEvents = new sns.Topic(this, 'SesEvents', { displayName: 'Newsletter SES events', enforceSSL: true });
    // SES tracks opens and clicks only for the kinds a destination publishes: each only when the
    // publisher turned it on (digest.tracking), optionally through a redirect domain of their own.
    const { tracking } = config.settings.digest;
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      ...(config.trackingDomain && (tracking.opens || tracking.clicks) ? { customTrackingRedirectDomain: config.trackingDomain } : {}),
    });
    this.configurationSet.addEventDestination('ToSns', {
      destination: ses.EventDestination.snsTopic(this.sesEvents),
      events: [
        ses.EmailSendingEvent.SEND,
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ...(tracking.opens ? [ses.EmailSendingEvent.OPEN] : []),
        ...(tracking.clicks ? [ses.EmailSendingEvent.CLICK] : []),
      ],
    });

    this.alarms = new sns.Topic(this, 'Alarms', { displayName: 'Newsletter alarms', enforceSSL: true });
    // With a topic policy of its own, the topic must let CloudWatch publish the account's alarms.
    this.alarms.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.alarms.topicArn],
      conditions: { StringEquals: { 'AWS:SourceAccount': this.account } },
    }));
    if (config.alarmEmail) this.alarms.addSubscription(new EmailSubscription(config.alarmEmail));

    this.edge = new Edge(this, 'Edge', {
      siteBucket: this.siteBucket,
      domainName: config.domainName,
      certificateArn: config.certificateArn,
      logsBucket: this.logsBucket,
      apiAccessLogs: this.logGroup('ApiAccessLogs', 'api'),
      webAclArn: config.webAclArn,
      geoAllow: config.geoAllow,
    });
    // The build keeps its manifest and article cache under .newsletter/ in the site bucket: never served.
    this.siteBucket.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
      actions: ['s3:GetObject'],
      resources: [this.siteBucket.arnForObjects(`${SITE_STATE_DIR}/*`)],
    }));

    // The operator's console: sign-in, its API's authorizer, its pages under /admin/, the dashboard and alarms.
    this.console = new OperatorConsole(this, 'Console', {
      stage: config.stage, removal: this.removal, production: config.production, api: this.edge.api, distribution: this.edge.distribution,
      siteOrigin: this.edge.siteOrigin, siteBucket: this.siteBucket, siteAddress: this.siteAddress(), alarms: this.alarms, adminEmail: config.adminEmail,
    });

    const specs = props.functions ?? FUNCTIONS.filter(handlerExists);
    const missing = FUNCTIONS.filter((f) => !specs.some((s) => s.name === f.name)).map(handlerEntry);
    if (missing.length > 0) Annotations.of(this).addWarningV2('newsletter:missingHandlers', `not deployed (no handler file yet): ${missing.join(', ')}`);
    for (const spec of specs) this.addFunction(spec);

    const uploadLogs = this.logGroup('ContentUploadLogs', 'content-upload');
    const deployment = uploadContent(this, { contentDir: config.contentDir, bucket: this.contentBucket, role: this.functionRole('ContentUploadRole', uploadLogs), logGroup: uploadLogs });
    // Uploads after the content-changed notification exists, so the first deploy builds the site.
    deployment.node.addDependency(this.contentBucket);
    for (const fn of this.functions.values()) deployment.node.addDependency(fn);

    this.addAlarm('DeliveryDeadLetterAlarm', `Delivery batches were handed out ${MAX_DELIVERY_ATTEMPTS} times without finishing and wait in the dead-letter queue`,
      this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }));
    this.addAlarm('SesEventsDeadLetterAlarm', 'SES events (bounces, complaints) could not be recorded',
      this.sesEventsDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }));
    this.checkSettingsAgainstDomain();
    this.outputs();
  }

  private addFunction(spec: FunctionSpec): void {
    const { config } = this;
    const id = pascal(spec.name);
    // Every variable of the function's spec (functions/lambdas/env.ts), each from its one resource.
    const value: Record<Variable, string> = {
      CONTENT_BUCKET: this.contentBucket.bucketName,
      SITE_BUCKET: this.siteBucket.bucketName,
      TABLE_NAME: this.table.tableName,
      QUEUE_URL: this.queue.queueUrl,
      TOKEN_SECRET_PARAM: config.tokenSecretParam,
      TEMPLATES_DIR: BUNDLED_TEMPLATES_DIR,
      SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
      // Every sender is given its rate: its role may send mail but not read the account's quota
      // (GetSendQuota has no resource to scope it to). Each delivery worker gets its share of the
      // account's rate, so all of them together never exceed it; a function answering the API sends
      // at most as fast as its mailing routes are let through (SES throttling beyond that is retried).
      MAX_SEND_RATE:
        spec.trigger.kind === 'queue'
          ? String(Math.floor((config.sesMaxSendRate / config.deliverConcurrency) * 100) / 100)
          : String(Math.min(MAILING_RATE_LIMIT, config.sesMaxSendRate)),
      PLAN_FUNCTION: this.functions.get('plan-issue')?.functionName ?? '',
    };
    const environment: Record<string, string> = { NODE_OPTIONS: '--enable-source-maps' };
    for (const variable of FUNCTION_ENV[spec.name]) {
      if (value[variable] === '') throw new Error(`${spec.name} needs ${variable}, whose function is not in the stack (deploy it first in FUNCTIONS)`);
      environment[variable] = value[variable];
    }

    const logGroup = this.logGroup(`${id}Logs`, spec.name);
    const role = this.functionRole(`${id}Role`, logGroup);
    const fn = new NodejsFunction(this, `${id}Function`, {
      description: `Newsletter ${spec.name} (${handlerEntry(spec)})`,
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      environment,
      logGroup,
      role,
      reservedConcurrentExecutions: spec.trigger.kind === 'content-changed' && config.feedsConcurrency > 0 ? config.feedsConcurrency : undefined,
      deadLetterQueue: spec.trigger.kind === 'ses-events' ? this.sesEventsDeadLetters : undefined,
      ...(config.bundle
        ? {
            entry: join(PROJECT_ROOT, handlerEntry(spec)),
            projectRoot: PROJECT_ROOT,
            depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
            bundling: bundlingOptions({ withTemplates: (FUNCTION_ENV[spec.name] as readonly Variable[]).includes('TEMPLATES_DIR'), bundleSdk: spec.bundlesSdk }),
          }
        : { code: lambda.Code.fromInline('exports.handler = async () => ({});'), handler: 'index.handler' }),
    });
    this.functions.set(spec.name, fn);

    this.grant(role, ACCESS[spec.name] ?? []);
    this.connect(spec, fn);
    this.addAlarm(`${id}ErrorsAlarm`, `The ${spec.name} function failed`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }));
  }

  /**
   * SendRawEmail from the sender identity only, and only through the configuration set. For a domain,
   * addresses on it that are verified on their own count too (SES then authorises the address).
   */
  private sendMailGrant(): Grant {
    const identity = this.config.senderIdentity;
    const identities = identity.includes('@') ? [identity] : [identity, `*@${identity}`];
    return {
      actions: ['ses:SendRawEmail'],
      resources: [
        ...identities.map((name) => this.formatArn({ service: 'ses', resource: 'identity', resourceName: name })),
        this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
      ],
      conditions: { StringLike: { 'ses:FromAddress': identity.includes('@') ? identity : `*@${identity}` } },
      wildcard: 'SES checks mail from an address of the domain against that address when it is verified on its own; ses:FromAddress still holds the sender to the domain',
    };
  }

  /** Adds the statements for `access` to the role; each wildcard resource is acknowledged with its reason. */
  private grant(role: iam.Role, access: readonly Access[]): void {
    const grants = accessGrants(access, {
      contentBucket: this.contentBucket,
      siteBucket: this.siteBucket,
      tableArn: this.table.tableArn,
      tableIndexes: this.tableIndexes,
      queue: this.queue,
      secretParameterArn: this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: this.config.tokenSecretParam.replace(/^\//, '') }),
      mail: this.sendMailGrant(),
      planFunctionArn: this.functions.get('plan-issue')?.functionArn,
    });
    for (const grant of grants) {
      role.addToPrincipalPolicy(statementOf(grant));
      for (const resource of grant.resources.filter((r) => JSON.stringify(this.resolve(r)).includes('*'))) {
        if (!grant.wildcard) throw new Error(`${grant.actions.join(',')} on a wildcard resource needs a reason`);
        acknowledgeWildcardResource(role, resource, grant.wildcard);
      }
    }
  }

  /** A function's own role: it may write to its log group, and is given nothing else here. */
  private functionRole(id: string, logGroup: logs.LogGroup): iam.Role {
    const role = new iam.Role(this, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // In place of the managed AWSLambdaBasicExecutionRole, which may write to every log group.
    logGroup.grantWrite(role);
    return role;
  }

  /** A log group with a name an operator can type: `aws logs tail /newsletter/<stage>/deliver --follow`. */
  private logGroup(id: string, name: string): logs.LogGroup {
    return new logs.LogGroup(this, id, {
      logGroupName: `/newsletter/${this.config.stage}/${name}`,
      retention: LOG_RETENTION,
      removalPolicy: this.removal,
    });
  }

  private connect(spec: FunctionSpec, fn: NodejsFunction): void {
    const trigger = spec.trigger;
    switch (trigger.kind) {
      case 'content-changed':
        for (const event of [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_REMOVED]) {
          this.contentBucket.addEventNotification(event, new LambdaDestination(fn));
        }
        acknowledge(cdkSingleton(this, 'BucketNotificationsHandler'), 'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', "CDK's bucket-notifications handler: aws-cdk-lib creates its role with the managed AWSLambdaBasicExecutionRole");
        calendarSchedule(this, fn);
        return;
      case 'http':
        for (const route of trigger.routes) {
          const integration = new HttpLambdaIntegration(`${pascal(spec.name)}${route.split(' ')[0]}`, fn);
          this.edge.addRoute(route, integration, trigger.mailing?.includes(route) ?? false);
        }
        return;
      case 'schedule':
        newsletterSchedules(this, fn, newslettersOf(this.config.settings));
        return;
      case 'queue':
        fn.addEventSource(new SqsEventSource(this.queue, {
          batchSize: 1,
          reportBatchItemFailures: true,
          // Bounds the workers sending at once, so together they stay within SES's send rate.
          maxConcurrency: this.config.deliverConcurrency,
        }));
        return;
      case 'ses-events':
        this.sesEvents.addSubscription(new LambdaSubscription(fn));
        return;
      case 'admin':
        this.console.addRoutes(fn, trigger.routes);
        return;
    }
  }

  private addAlarm(id: string, description: string, metric: cloudwatch.IMetric): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarms));
  }

  /** Links in feeds and mail must point where the stack serves the site and API. */
  private checkSettingsAgainstDomain(): void {
    const { settings, domainName } = this.config;
    const site = new URL(settings.siteUrl);
    const api = new URL(settings.digest.apiUrl);
    if (domainName && site.hostname !== domainName) {
      Annotations.of(this).addWarningV2('newsletter:siteUrl', `siteUrl ${settings.siteUrl} is not on the domain ${domainName} the site is served from`);
    }
    if (api.host === site.host && api.pathname !== `${API_PREFIX}/`) {
      Annotations.of(this).addWarningV2('newsletter:apiUrl', `digest.apiUrl should be ${site.origin}${API_PREFIX}/: the API is served under ${API_PREFIX}/ on the site's domain`);
    }
  }

  /** Where the site is served: the custom domain, or the distribution's own name. */
  private siteAddress(): string {
    return this.config.domainName ? `https://${this.config.domainName}` : `https://${this.edge.distribution.distributionDomainName}`;
  }

  private outputs(): void {
    const siteUrl = `${this.siteAddress()}/`;
    new CfnOutput(this, 'SiteUrl', { value: siteUrl, description: 'Set siteUrl in content/publication.yaml to this' });
    new CfnOutput(this, 'ApiUrl', { value: `${siteUrl}${API_PREFIX.slice(1)}/`, description: 'Set digest.apiUrl in content/publication.yaml to this' });
    new CfnOutput(this, 'ContentBucketName', { value: this.contentBucket.bucketName });
    new CfnOutput(this, 'SiteBucketName', { value: this.siteBucket.bucketName });
    new CfnOutput(this, 'DistributionId', { value: this.edge.distribution.distributionId });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'DeliveryQueueUrl', { value: this.queue.queueUrl });
    new CfnOutput(this, 'DeliveryDeadLetterQueueUrl', { value: this.deadLetters.queueUrl });
    new CfnOutput(this, 'ConfigurationSetName', { value: this.configurationSet.configurationSetName });
    new CfnOutput(this, 'ConsoleUrl', { value: `${siteUrl}admin/`, description: 'The operator console (sign in with the adminEmail user)' });
    new CfnOutput(this, 'OperatorsUserPoolId', { value: this.console.userPool.userPoolId });
    new CfnOutput(this, 'DashboardName', { value: this.console.operations.dashboard.dashboardName });
    for (const [name, fn] of this.functions) new CfnOutput(this, `${pascal(name)}FunctionName`, { value: fn.functionName });
  }
}
