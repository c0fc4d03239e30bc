import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  PublicHttpApi,
  routeKeyFromMethodPath,
  splitMethodThrottling,
  type PublicHttpApiProps,
} from '../../lib/constructs/public-http-api';
import type { EirleadStack } from '../../lib/eirlead-stack';
import { nagPacks } from '../../lib/guards/nag';
import { buildApp } from './support';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Resource = { Type: string; Properties: { [key: string]: Json }; DependsOn?: string[] };

// Two stacks, each synthesised once. The HTTP API layout (ingestApi http) with WAF on and per-route limits for
// one public route, the snippet and one leads route; and the REST layout (ingestApi rest) with WAF on.
const THROTTLE = {
  rateLimit: 50,
  burstLimit: 80,
  methods: {
    '/v1/events/POST': { rateLimit: 3, burstLimit: 4 },
    '/v1/snippet.js/GET': { rateLimit: 5, burstLimit: 6 },
    '/v1/sites/{siteId}/erasure-requests/POST': { rateLimit: 1, burstLimit: 2 },
  },
};
const httpApp = buildApp({ waf: { enabled: true }, throttle: THROTTLE, ingestApi: 'http' });
const restApp = buildApp({ waf: { enabled: true }, ingestApi: 'rest' });
const http = Template.fromStack(httpApp.stack);
const rest = Template.fromStack(restApp.stack);
const httpResources = http.toJSON().Resources as Record<string, Resource>;

function logicalIdOf(stack: EirleadStack, path: string): string {
  const construct = stack.node.findAll().find((c) => c.node.path === path);
  if (!construct || !CfnResource.isCfnResource(construct)) throw new Error(`No CloudFormation resource at ${path}`);
  return stack.resolve(construct.logicalId) as string;
}
const INGEST_PATH = 'EirleadStack/Ingest/Function/Function/Resource';
const SNIPPET_PATH = 'EirleadStack/Snippet/Function/Function/Resource';

const apiId = () => http.getResourceId('AWS::ApiGatewayV2::Api');
const routesByKey = (): Record<string, Resource> =>
  Object.fromEntries(
    Object.entries(http.findResources('AWS::ApiGatewayV2::Route')).map(([, route]) => [
      (route as Resource).Properties.RouteKey as string,
      route as Resource,
    ]),
  );
/** The integration a route targets (`integrations/<Ref>`). */
function integrationOf(route: Resource): Resource {
  const target = JSON.stringify(route.Properties.Target);
  const id = Object.keys(http.findResources('AWS::ApiGatewayV2::Integration')).find((candidate) => target.includes(`"${candidate}"`));
  if (!id) throw new Error(`no integration for ${target}`);
  return httpResources[id] as Resource;
}
const stage = (): Resource => Object.values(http.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;

describe('the public HTTP API (ingestApi http)', () => {
  test('one HTTP API, without CORS configuration, so preflights reach the ingest function', () => {
    http.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    const api = httpResources[apiId()] as Resource;
    expect(api.Properties).toMatchObject({ ProtocolType: 'HTTP' });
    expect(api.Properties.CorsConfiguration).toBeUndefined();
    expect(api.Properties.DisableExecuteApiEndpoint).not.toBe(true);
  });

  test('exactly three routes, none with an authoriser, and no catch-all', () => {
    expect(Object.keys(routesByKey()).sort()).toEqual(['GET /v1/snippet.js', 'OPTIONS /v1/events', 'POST /v1/events']);
    for (const route of Object.values(routesByKey())) {
      expect(route.Properties).toMatchObject({ ApiId: { Ref: apiId() }, AuthorizationType: 'NONE' });
      expect(route.Properties.AuthorizerId).toBeUndefined();
    }
  });

  test.each([
    ['POST /v1/events', INGEST_PATH],
    ['OPTIONS /v1/events', INGEST_PATH],
    ['GET /v1/snippet.js', SNIPPET_PATH],
  ])('%s is a Lambda proxy integration with payload format 1.0 to the right function', (routeKey, functionPath) => {
    const route = routesByKey()[routeKey] as Resource;
    expect(integrationOf(route).Properties).toEqual(
      expect.objectContaining({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '1.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(httpApp.stack, functionPath), 'Arn'] },
      }),
    );
  });

  test('each function may be invoked by this API only, on its own path', () => {
    const permissions = Object.values(http.findResources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify((p as Resource).Properties.SourceArn).includes(`"${apiId()}"`),
    ) as Resource[];
    expect(permissions).toHaveLength(3);
    const byFunction = (path: string) =>
      permissions
        .filter((p) => JSON.stringify(p.Properties.FunctionName).includes(logicalIdOf(httpApp.stack, path)))
        .map((p) => JSON.stringify(p.Properties.SourceArn));
    expect(byFunction(INGEST_PATH)).toEqual([expect.stringContaining('/*/*/v1/events"'), expect.stringContaining('/*/*/v1/events"')]);
    expect(byFunction(SNIPPET_PATH)).toEqual([expect.stringContaining('/*/*/v1/snippet.js"')]);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({ Principal: 'apigateway.amazonaws.com', Action: 'lambda:InvokeFunction' });
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain('arn:aws:execute-api:eu-west-1:123456789012:');
    }
  });

  test('the $default stage deploys automatically, with the configured stage throttling', () => {
    http.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    expect(stage().Properties).toMatchObject({
      ApiId: { Ref: apiId() },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 },
    });
  });

  test('per-route limits of throttle.methods naming these routes become route settings; the others stay on the REST API', () => {
    expect(stage().Properties.RouteSettings).toEqual({
      'POST /v1/events': { ThrottlingRateLimit: 3, ThrottlingBurstLimit: 4 },
      'GET /v1/snippet.js': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 6 },
    });
    http.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: 'POST', ResourcePath: '/~1v1~1sites~1{siteId}~1erasure-requests', ThrottlingRateLimit: 1 }),
      ]),
    });
    const restSettings = JSON.stringify(http.findResources('AWS::ApiGateway::Stage'));
    expect(restSettings).not.toContain('~1v1~1events');
    expect(restSettings).not.toContain('snippet.js');
    // API Gateway refuses route settings for routes that do not exist yet: the stage waits for every route.
    for (const routeId of Object.keys(http.findResources('AWS::ApiGatewayV2::Route'))) expect(stage().DependsOn).toContain(routeId);
  });

  test('access log: JSON, in a log group with the configured retention, encrypted like the REST access log, without IP or user agent', () => {
    const settings = stage().Properties.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    const logGroup = httpResources[settings.DestinationArn['Fn::GetAtt'][0]] as Resource;
    const restLogGroup = httpResources[logicalIdOf(httpApp.stack, 'EirleadStack/HttpApi/AccessLogs/Resource')] as Resource;
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(30);
    expect(logGroup.Properties.KmsKeyId).toEqual(restLogGroup.Properties.KmsKeyId);

    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integrationErrorMessage',
    });
    expect(settings.Format).not.toMatch(/\$context\.identity\.(sourceIp|userAgent)/);
    expect(settings.Format).not.toMatch(/\$context\.(identity|path|customDomain)/);
  });

  test('outputs: ApiUrl is the REST API\'s v1, PublicApiUrl the HTTP API\'s root', () => {
    const publicUrl = http.findOutputs('PublicApiUrl').PublicApiUrl?.Value;
    expect(publicUrl).toEqual({
      'Fn::Join': ['', ['https://', { Ref: apiId() }, '.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/']],
    });
    const apiUrl = JSON.stringify(http.findOutputs('ApiUrl').ApiUrl?.Value);
    expect(apiUrl).toContain(`"${http.getResourceId('AWS::ApiGateway::RestApi')}"`);
    expect(apiUrl).toMatch(/"\/v1\/"\]\]\}$/);
  });

  test('with WAF enabled, the web ACL stays on the REST API and synth warns that ingest is not behind it', () => {
    http.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('/restapis/')])]) }),
    });
    const warnings = Annotations.fromStack(httpApp.stack).findWarning(
      '/EirleadStack/Waf',
      Match.stringLikeRegexp('POST /v1/events.*not be attached.*ingestApi to "rest"'),
    );
    expect(warnings).toHaveLength(1);
  });

  test('no unacknowledged cdk-nag finding; the public-route acknowledgement covers only these routes', () => {
    const findings = (stack: Stack) =>
      nagPacks().flatMap((pack) =>
        pack.validateScope(stack).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath ?? '?'}`)),
      );
    expect(findings(httpApp.stack)).toEqual([]);

    // A further unauthenticated route on the same API is reported: nothing is acknowledged wholesale.
    const { stack } = buildApp();
    const publicApi = stack.node.findChild('PublicApi') as PublicHttpApi;
    const ingestFunction = stack.node.findChild('Ingest').node.findChild('Function').node.findChild('Function') as lambda.IFunction;
    publicApi.httpApi.addRoutes({ path: '/v1/extra', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('Extra', ingestFunction) });
    expect(findings(stack)).toEqual(['AwsSolutions-APIG4 @ EirleadStack/PublicApi/Api/GET--v1--extra/Resource']);
  });
});

describe('the REST layout (ingestApi rest)', () => {
  test('no HTTP API at all', () => {
    for (const type of ['Api', 'Stage', 'Route', 'Integration']) rest.resourceCountIs(`AWS::ApiGatewayV2::${type}`, 0);
  });

  test.each([
    ['POST', 'events', INGEST_PATH],
    ['OPTIONS', 'events', INGEST_PATH],
    ['GET', 'snippet.js', SNIPPET_PATH],
  ])('%s /v1/%s is a public REST method with a proxy integration to the right function', (httpMethod, pathPart, functionPath) => {
    const resourceId = Object.entries(rest.findResources('AWS::ApiGateway::Resource')).find(
      ([, resource]) => (resource as Resource).Properties.PathPart === pathPart,
    )?.[0];
    expect(resourceId).toBeDefined();
    const methods = Object.values(
      rest.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: httpMethod, ResourceId: { Ref: resourceId } } }),
    ) as Resource[];
    expect(methods).toHaveLength(1);
    expect(methods[0]?.Properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY' } });
    expect(JSON.stringify(methods[0]?.Properties.Integration)).toContain(`"${logicalIdOf(restApp.stack, functionPath)}"`);
  });

  test('PublicApiUrl is the REST stage\'s base URL, the one ApiUrl adds v1/ to', () => {
    const publicUrl = rest.findOutputs('PublicApiUrl').PublicApiUrl?.Value as { 'Fn::Join': [string, Json[]] };
    const apiUrl = rest.findOutputs('ApiUrl').ApiUrl?.Value as { 'Fn::Join': [string, Json[]] };
    expect(JSON.stringify(publicUrl)).toContain(`"${rest.getResourceId('AWS::ApiGateway::RestApi')}"`);
    expect(apiUrl['Fn::Join'][1].at(-1)).toBe('/v1/');
    expect(publicUrl['Fn::Join'][1]).toEqual([...apiUrl['Fn::Join'][1].slice(0, -1), '/']);
  });

  test('the web ACL protects the stage that serves ingest, and there is nothing to warn about', () => {
    rest.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    expect(Annotations.fromStack(restApp.stack).findWarning('*', Match.stringLikeRegexp('not behind|cannot be attached'))).toEqual([]);
  });
});

describe('throttling keys', () => {
  test('REST-style keys become route keys', () => {
    expect(routeKeyFromMethodPath('/v1/events/POST')).toBe('POST /v1/events');
    expect(routeKeyFromMethodPath('/v1/snippet.js/GET')).toBe('GET /v1/snippet.js');
    expect(() => routeKeyFromMethodPath('POST')).toThrow(/not a resource path/);
  });

  test('only keys naming a public route move to the HTTP API', () => {
    const limits = { rateLimit: 1, burstLimit: 1 };
    const split = splitMethodThrottling(
      { '/v1/events/POST': limits, '/v1/events/GET': limits, '/v1/sites/{siteId}/audit/GET': limits },
      [{ method: HttpMethod.POST, path: '/v1/events' }],
    );
    expect(split).toEqual({
      publicRoutes: { 'POST /v1/events': limits },
      rest: { '/v1/events/GET': limits, '/v1/sites/{siteId}/audit/GET': limits },
    });
  });
});

describe('PublicHttpApi props', () => {
  function props(change: Partial<PublicHttpApiProps>): { stack: Stack; props: PublicHttpApiProps } {
    const stack = new Stack(new App(), 'Checked', { env: { account: '123456789012', region: 'eu-west-1' } });
    const handler = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_LATEST,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 204 })'),
    });
    const route = { method: HttpMethod.POST, path: '/v1/events', handler, whyPublic: 'test' };
    return { stack, props: { routes: [route], encryptionKey: new kms.Key(stack, 'Key'), ...change } };
  }

  test('a valid configuration builds', () => {
    const { stack, props: valid } = props({ routeThrottling: { 'POST /v1/events': { rateLimit: 1, burstLimit: 1 } } });
    expect(() => new PublicHttpApi(stack, 'Api', valid)).not.toThrow();
  });

  test.each<[string, (p: PublicHttpApiProps) => Partial<PublicHttpApiProps>, RegExp]>([
    ['no route', () => ({ routes: [] }), /at least one route/],
    ['a route given twice', (p) => ({ routes: [...p.routes, ...p.routes] }), /POST \/v1\/events is given twice/],
    ['a path without a leading slash', (p) => ({ routes: p.routes.map((r) => ({ ...r, path: 'v1/events' })) }), /must start with \//],
    ['a limit for a route it does not serve', () => ({ routeThrottling: { 'GET /v1/events': { rateLimit: 1, burstLimit: 1 } } }), /not one of its routes/],
    ['a fractional burst', () => ({ routeThrottling: { 'POST /v1/events': { rateLimit: 1, burstLimit: 1.5 } } }), /positive integer burst/],
    ['a zero stage rate', () => ({ throttlingRateLimit: 0 }), /positive rate/],
    ['a retention CloudWatch Logs does not accept', () => ({ logRetentionDays: 31 }), /not a CloudWatch Logs retention period/],
  ])('refuses %s', (_case, change, message) => {
    const { stack, props: base } = props({});
    expect(() => new PublicHttpApi(stack, 'Api', { ...base, ...change(base) })).toThrow(message);
  });
});
