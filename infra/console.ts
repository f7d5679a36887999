import { join } from 'node:path';
import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpMethod, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PROJECT_ROOT } from '../functions/wiring/paths.ts';
import { OperationsDashboard } from './dashboard.ts';
import { API_PREFIX, type Route } from './functions.ts';
import { acknowledge, acknowledgeWildcardAction, acknowledgeWildcardResource, cdkSingleton } from './nag.ts';

/** Where the console's pages are: on the site's own domain, from the site bucket under this prefix. */
export const CONSOLE_PATH = 'admin/';

/** The console's pages, shared by both environments (the local server serves the same files at /admin). */
export const CONSOLE_FILES = join(PROJECT_ROOT, 'templates', 'admin');

export interface ConsoleProps {
  stage: string;
  removal: RemovalPolicy;
  production: boolean;
  api: HttpApi;
  distribution: cloudfront.Distribution;
  /** The site bucket as the distribution's origin: the console's behaviour shares it (and its access control). */
  siteOrigin: cloudfront.IOrigin;
  siteBucket: IBucket;
  /** The site's address (a custom domain, or the distribution's own name): the console lives at `${siteAddress}/admin/`. */
  siteAddress: string;
  alarms: ITopic;
  /** The first operator, created at deploy (Cognito mails them a temporary password). */
  adminEmail: string | undefined;
}

/**
 * The operator's console on AWS: an Amazon Cognito user pool with its managed login (authorisation
 * code with PKCE, a public client without a secret), a JWT authorizer on every `/api/admin/*` route
 * of the HTTP API, the console's pages at `/admin/` on the site's distribution (uploaded into the site
 * bucket under `admin/`, beside a `config.json` naming the login), the CloudWatch dashboard and the
 * bounce and complaint rate alarms.
 */
export class OperatorConsole extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly authorizer: HttpUserPoolAuthorizer;
  readonly operations: OperationsDashboard;
  private readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    this.api = props.api;
    const consoleUrl = `${props.siteAddress}/${CONSOLE_PATH}`;

    this.userPool = new cognito.UserPool(this, 'Operators', {
      userPoolName: `newsletter-${props.stage}-operators`,
      // Operators are invited (adminEmail, or `aws cognito-idp admin-create-user`); nobody signs up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: props.production,
      removalPolicy: props.removal,
    });
    acknowledge(this.userPool, 'COG8', "Cognito's Plus plan is billed per monthly active user; Essentials has the managed login this console uses, and the pool requires a strong password and a TOTP second factor");
    acknowledge(this.userPool, 'COG3', "Threat protection (advanced security) needs Cognito's Plus plan, billed per active user; operators sign in with a strong password and a TOTP second factor, which the pool requires");
    // The stack's own id makes the prefix unique in the region (lower-case hex, as Cognito requires).
    const unique = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Stack.of(this).stackId))));
    this.domain = this.userPool.addDomain('Login', {
      cognitoDomain: { domainPrefix: Fn.join('-', ['newsletter', props.stage, unique]) },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'console',
      // A page in a browser keeps no secret: authorisation code with PKCE, done by the console's script.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
    });
    // Only the managed login signs in (and refreshes): no password or SRP flow a script could call directly.
    (this.client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    new cognito.CfnManagedLoginBranding(this, 'LoginStyle', { userPoolId: this.userPool.userPoolId, clientId: this.client.userPoolClientId, useCognitoProvidedValues: true });
    if (props.adminEmail) {
      new cognito.CfnUserPoolUser(this, 'FirstOperator', {
        userPoolId: this.userPool.userPoolId,
        username: props.adminEmail,
        userAttributes: [{ name: 'email', value: props.adminEmail }, { name: 'email_verified', value: 'true' }],
        desiredDeliveryMediums: ['EMAIL'],
      });
    }
    this.authorizer = new HttpUserPoolAuthorizer('Operators', this.userPool, { userPoolClients: [this.client], identitySource: ['$request.header.Authorization'] });

    this.publishPages(props, consoleUrl);
    this.operations = new OperationsDashboard(this, 'Operations', { stage: props.stage, alarms: props.alarms });
  }

  /** One HTTP API route per console route, each behind the JWT authorizer. */
  addRoutes(fn: IFunction, routes: readonly Route[]): void {
    const integration = new HttpLambdaIntegration('AdminIntegration', fn);
    for (const route of routes) {
      const [method, path] = route.split(' ') as ['GET' | 'POST', string];
      this.api.addRoutes({ path: `${API_PREFIX}${path}`, methods: [HttpMethod[method]], integration, authorizer: this.authorizer });
    }
  }

  /**
   * The pages go into the site bucket under `admin/` (the site's build never writes or removes there)
   * and are served at `/admin/` by a behaviour of their own: index.html for the folder, a strict
   * content security policy, no referrer (the login's code is in the address for a moment), no caching.
   */
  private publishPages(props: ConsoleProps, consoleUrl: string): void {
    const loginUrl = this.domain.baseUrl();
    const logGroup = new logs.LogGroup(this, 'UploadLogs', { logGroupName: `/newsletter/${props.stage}/console-upload`, retention: logs.RetentionDays.ONE_MONTH, removalPolicy: props.removal });
    const role = new iam.Role(this, 'UploadRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    let assetBucket: IBucket | undefined;
    const pages = Source.asset(CONSOLE_FILES);
    new BucketDeployment(this, 'Pages', {
      sources: [
        { bind: (scope, context) => { const bound = pages.bind(scope, context); assetBucket = bound.bucket; return bound; } },
        Source.jsonData('config.json', { mode: 'cognito', loginUrl, clientId: this.client.userPoolClientId, redirectUri: consoleUrl }),
      ],
      destinationBucket: props.siteBucket,
      destinationKeyPrefix: CONSOLE_PATH,
      // Only under admin/: a page the console no longer has is removed, the site is never touched.
      prune: true,
      // Its own handler (a different size from the content upload's), so it runs with this role only.
      memoryLimit: 256,
      role,
      logGroup,
    });
    const grants = "CDK's BucketDeployment grants its own handler these (read the asset, sync it into the bucket) and offers no narrower choice";
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) acknowledgeWildcardAction(role, action, grants);
    acknowledgeWildcardResource(role, assetBucket!.arnForObjects('*'), `${grants}; the asset's key is a content hash`);
    acknowledgeWildcardResource(role, props.siteBucket.arnForObjects('*'), `${grants}; it writes the console's pages under admin/ of the site bucket`);
    acknowledge(cdkSingleton(Stack.of(this), 'Custom::CDKBucketDeployment'), 'L1', "CDK's BucketDeployment handler runs on the Python runtime aws-cdk-lib chooses, which moves forward with its releases");

    const index = new cloudfront.Function(this, 'Index', {
      comment: 'The console folder serves its index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline([
        'function handler(event) {',
        '  var request = event.request;',
        `  if (request.uri === '/admin') return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/${CONSOLE_PATH}' } } };`,
        "  if (request.uri.endsWith('/')) request.uri += 'index.html';",
        '  return request;',
        '}',
      ].join('\n')),
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'The operator console: only its own script, its API and the login',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: `default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self' ${loginUrl}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      },
    });
    props.distribution.addBehavior(`/${CONSOLE_PATH.slice(0, -1)}*`, props.siteOrigin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      responseHeadersPolicy: headers,
      functionAssociations: [{ function: index, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    });
  }
}
