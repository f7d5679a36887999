import { Duration, Fn } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRouteIntegration } from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { API_PREFIX, type Route } from './functions.ts';
import { acknowledge } from './nag.ts';

export interface EdgeProps {
  siteBucket: IBucket;
  domainName: string | undefined;
  certificateArn: string | undefined;
  /** Receives CloudFront's standard logs (under `cloudfront/`). */
  logsBucket: IBucket;
  /** Receives the API's access logs, one JSON line per request. */
  apiAccessLogs: ILogGroup;
  /** Operator's choice: a WAF web ACL in front of everything. */
  webAclArn: string | undefined;
  /** Operator's choice: the countries served. */
  geoAllow: string[] | undefined;
}

/** Steady request rates for the API, per second; bursts may reach twice as much. */
export const API_RATE_LIMIT = 50;
/** Routes that send a mail (subscribing) are held much lower, against mail bombing. */
export const MAILING_RATE_LIMIT = 5;

/**
 * Paths readers reach from the subscribe form or a link in a mail: public by design. Any other route
 * (an operator's) has no such acknowledgement, so the rule pack holds it to an authorizer.
 */
const READER_PATHS: Readonly<Record<string, string>> = {
  '/subscribe': 'Anyone may ask to subscribe; nothing changes until the address confirms from its mailbox, and the route is rate-limited',
  '/confirm': "Reached from a link in the confirmation mail; the link's signed token is the credential",
  '/unsubscribe': "Reached from every mail (RFC 8058 one-click included); the link's signed token is the credential",
  '/preferences': "Reached from a link in a mail; the link's signed token is the credential",
};

/**
 * What readers reach: one CloudFront domain serving the site bucket (through origin access
 * control; the bucket stays private) and, under `/api/*`, the HTTP API. One origin means the
 * subscribe form posts to its own site (no CORS), links in mail share the site's domain, and a
 * custom domain needs one certificate.
 */
export class Edge extends Construct {
  readonly api: HttpApi;
  private readonly stage: HttpStage;
  private readonly routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
  readonly distribution: cloudfront.Distribution;
  /** The site bucket as the distribution's origin (other behaviours on the bucket share it, and its access control). */
  readonly siteOrigin: cloudfront.IOrigin;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'Newsletter subscribe, confirm and unsubscribe', createDefaultStage: false });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: API_RATE_LIMIT, burstLimit: API_RATE_LIMIT * 2 },
      accessLogSettings: { destination: new LogGroupLogDestination(props.apiAccessLogs) },
    });

    const apiDomain = Fn.select(2, Fn.split('/', this.api.apiEndpoint));
    this.siteOrigin = S3BucketOrigin.withOriginAccessControl(props.siteBucket);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Newsletter site, feeds and API',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(props.domainName && props.certificateArn
        ? {
            domainNames: [props.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: props.logsBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn && { webAclId: props.webAclArn }),
      ...(props.geoAllow && { geoRestriction: cloudfront.GeoRestriction.allowlist(...props.geoAllow) }),
      defaultBehavior: {
        origin: this.siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        // Honours the Cache-Control each object was written with (feeds and pages minutes, styles an hour).
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      additionalBehaviors: {
        [`${API_PREFIX}/*`]: {
          origin: new HttpOrigin(apiDomain, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY, readTimeout: Duration.seconds(30) }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // Everything but Host, which must name the API's own domain.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
    });
    if (!props.domainName) {
      acknowledge(this.distribution, 'CFR4', "Served on the distribution's own cloudfront.net name, whose certificate is CloudFront's default and whose TLS policy cannot be chosen; -c domainName and -c certificateArn serve it with TLSv1.2_2021");
    }
    if (!props.webAclArn) {
      acknowledge(this.distribution, 'CFR2', 'A web ACL is the operator\'s choice (it costs a monthly fee per ACL and rule): -c webAclArn=<CLOUDFRONT-scope web ACL> adds one; the API is rate-limited without it');
    }
    if (!props.geoAllow) {
      acknowledge(this.distribution, 'CFR1', 'A publication is for readers anywhere unless the operator says otherwise: -c geoAllow=US,CA serves only the countries listed');
    }
  }

  /** Adds `METHOD /path` under the API prefix; `mailing` routes get the low rate limit. */
  addRoute(route: Route, integration: HttpRouteIntegration, mailing: boolean): void {
    const [method, path] = route.split(' ') as ['GET' | 'POST', string];
    const routeKey = `${method} ${API_PREFIX}${path}`;
    const [created] = this.api.addRoutes({ path: `${API_PREFIX}${path}`, methods: [HttpMethod[method]], integration });
    const publicBecause = READER_PATHS[path];
    if (publicBecause) acknowledge(created!, 'APIG4', publicBecause);
    if (!mailing) return;
    this.routeSettings[routeKey] = { ThrottlingRateLimit: MAILING_RATE_LIMIT, ThrottlingBurstLimit: MAILING_RATE_LIMIT * 2 };
    // CloudFormation's own key names (the map is passed through as written); the route must exist first.
    (this.stage.node.defaultChild as CfnStage).routeSettings = this.routeSettings;
    this.stage.node.addDependency(created!);
  }
}
