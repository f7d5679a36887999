import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES } from '../../functions/handlers/http/admin-routes.ts';
import { readConfig } from '../../infra/config.ts';
import { DELIVERY_METRICS, EVENT_METRICS } from '../../infra/dashboard.ts';
import { NewsletterStack } from '../../infra/stack.ts';
import { tempDir, tempTree } from '../helpers/cli.ts';
import { settingsYaml } from '../helpers/factories.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

function synth(context: Record<string, string> = {}) {
  const contentDir = tempTree({ 'publication.yaml': settingsYaml(), 'articles/one.md': '---\ntitle: One\ndate: 2024-01-01T00:00:00Z\n---\nText\n' });
  const app = new App({ outdir: tempDir('cdk.out-'), context: { bundle: 'false', contentDir, ...context } });
  const stack = new NewsletterStack(app, 'Newsletter-test', { config: readConfig(app.node) });
  return Template.fromStack(stack);
}

const ofType = (template: Template, type: string) => template.findResources(type) as Resources;
const idOf = (template: Template, type: string) => Object.keys(ofType(template, type));

describe("the operator console's stack", () => {
  let template: Template;
  beforeAll(() => {
    template = synth({ adminEmail: 'Ops@Gazette.Example.org', alarmEmail: 'alerts@gazette.example.org' });
  });

  it('puts the JWT authorizer on every /api/admin route, and no admin path is reachable without it', () => {
    const routes = Object.values(ofType(template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const admin = routes.filter((r) => String(r.RouteKey).includes('/api/admin'));
    expect(admin.map((r) => r.RouteKey).sort()).toEqual(ADMIN_ROUTES.map((r) => r.replace(' /', ' /api/')).sort());
    const [authorizerId] = idOf(template, 'AWS::ApiGatewayV2::Authorizer');
    for (const route of admin) {
      expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
      expect(route.AuthorizerId, route.RouteKey).toEqual({ Ref: authorizerId });
    }
    // Nothing else could answer an admin path: no catch-all route, no greedy path, every other route a reader's.
    for (const route of routes) {
      expect(route.RouteKey).not.toBe('$default');
      expect(String(route.RouteKey)).not.toMatch(/\{[^}]*\+\}|^ANY /);
    }
    expect(routes.filter((r) => r.AuthorizationType !== 'JWT').map((r) => String(r.RouteKey).split(' ')[1]).sort()).toEqual(['/api/confirm', '/api/confirm', '/api/preferences', '/api/preferences', '/api/subscribe', '/api/subscribe', '/api/unsubscribe', '/api/unsubscribe']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [{ Ref: Match.stringLikeRegexp('^ConsoleOperatorsConsoleClient') }], Issuer: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
    });
  });

  it('signs operators in through a Cognito user pool: no sign-up, a TOTP second factor, the managed login', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UsernameAttributes: ['email'],
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2 });
    template.resourceCountIs('AWS::Cognito::ManagedLoginBranding', 1);
  });

  it('gives the console a public client with the authorisation code grant (PKCE) and no secret', () => {
    const [client] = Object.values(ofType(template, 'AWS::Cognito::UserPoolClient')).map((r) => r.Properties);
    expect(client).toMatchObject({ AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: ['COGNITO'], PreventUserExistenceErrors: 'ENABLED' });
    expect(client!.GenerateSecret ?? false).toBe(false);
    expect(client!.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid', 'email']));
    expect(JSON.stringify(client!.CallbackURLs)).toContain('/admin/');
    // Only the managed login signs in: no password or SRP flow a script could call directly.
    expect(client!.ExplicitAuthFlows ?? []).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it('creates the first operator from -c adminEmail, and none without it', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolUser', {
      Username: 'Ops@gazette.example.org',
      UserAttributes: [{ Name: 'email', Value: 'Ops@gazette.example.org' }, { Name: 'email_verified', Value: 'true' }],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    synth().resourceCountIs('AWS::Cognito::UserPoolUser', 0);
    expect(() => synth({ adminEmail: 'not an address' })).toThrow(/context adminEmail/);
  });

  it('serves the pages at /admin/ from the site bucket, with their index, a strict policy and no referrer', () => {
    const distribution = Object.values(ofType(template, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    const behaviour = distribution.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/admin*');
    expect(behaviour).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' });
    // The site's own origin (and its origin access control), not a second one.
    expect(behaviour.TargetOriginId).toBe(distribution.DefaultCacheBehavior.TargetOriginId);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const [fn] = Object.values(ofType(template, 'AWS::CloudFront::Function')).map((r) => r.Properties);
    expect(fn!.FunctionCode).toContain("request.uri += 'index.html'");
    const policy = Object.values(ofType(template, 'AWS::CloudFront::ResponseHeadersPolicy'))[0]!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(policy.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const part of ["script-src 'self'", "connect-src 'self' ", 'amazoncognito.com', "frame-ancestors 'none'", "form-action 'none'"]) expect(csp).toContain(part);
    expect(policy.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: 'admin/', Prune: true, DestinationBucketName: { Ref: Match.stringLikeRegexp('^SiteBucket') } });
  });

  it('lets the console function invoke the plan function, and no other function', () => {
    const functions = ofType(template, 'AWS::Lambda::Function');
    const idFor = (name: string) => Object.entries(functions).find(([, r]) => String(r.Properties.Description).startsWith(`Newsletter ${name} (`))![0];
    const invokes = Object.values(ofType(template, 'AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'))
        .map((s) => ({ roles: p.Properties.Roles.map((r: { Ref: string }) => r.Ref), resource: s.Resource })),
    );
    const adminRole = functions[idFor('admin')]!.Properties.Role['Fn::GetAtt'][0];
    const functionRoles = new Set(Object.values(functions).map((f) => f.Properties.Role['Fn::GetAtt'][0]));
    // (The digest schedule's own role invokes it too: that is the schedule.)
    const planInvokes = invokes.filter((i) => JSON.stringify(i.resource).includes(idFor('plan-issue')) && i.roles.some((r: string) => functionRoles.has(r)));
    expect(planInvokes).toEqual([{ roles: [adminRole], resource: { 'Fn::GetAtt': [idFor('plan-issue'), 'Arn'] } }]);
    expect(functions[idFor('admin')]!.Properties.Environment.Variables.PLAN_FUNCTION).toEqual({ Ref: idFor('plan-issue') });
  });

  it('has a dashboard of the send and of SES, and alarms on the bounce and complaint rates at SES\'s review thresholds', () => {
    const [dashboard] = Object.values(ofType(template, 'AWS::CloudWatch::Dashboard')).map((r) => r.Properties);
    const body = JSON.stringify(dashboard!.DashboardBody);
    for (const name of [...DELIVERY_METRICS, ...EVENT_METRICS]) expect(body, name).toContain(`\\"Newsletter\\",\\"${name}\\"`);
    expect(body).toContain('\\"AWS/SES\\",\\"Reputation.BounceRate\\"');
    expect(body).toContain('\\"AWS/SES\\",\\"Reputation.ComplaintRate\\"');
    for (const [metric, threshold] of [['Reputation.BounceRate', 0.05], ['Reputation.ComplaintRate', 0.001]] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES',
        MetricName: metric,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
      });
    }
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'alerts@gazette.example.org', TopicArn: { Ref: Match.stringLikeRegexp('^Alarms') } });
  });
});
