import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { App, Stack } from 'aws-cdk-lib';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { IngestUrl } from '../../lib/constructs/ingest-url';
import { buildApp } from './support';

/** `ingestApi: "functionUrl"` (the default): POST /v1/events at the ingest function's URL, the snippet on the HTTP API. */
const template = Template.fromStack(buildApp({ throttle: { ingestConcurrency: 12 } }).stack);
const withoutUrl = Template.fromStack(buildApp({ ingestApi: 'http' }).stack);

type Resource = { Properties: Record<string, unknown> };
const functionOf = (of: Template, name: keyof typeof FUNCTIONS) => {
  const [entry] = Object.entries(of.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: FUNCTIONS[name].serviceName }) } },
  })) as [string, Resource][];
  if (!entry) throw new Error(`no function ${name}`);
  return { logicalId: entry[0], properties: entry[1].Properties };
};

describe('the ingest function URL', () => {
  it('is one URL, of the ingest function, without authentication, buffered, and with no CORS of its own', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    const [url] = Object.values(template.findResources('AWS::Lambda::Url')) as Resource[];
    expect(url?.Properties).toEqual({
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      TargetFunctionArn: { 'Fn::GetAtt': [functionOf(template, 'ingest').logicalId, 'Arn'] },
    });
  });

  it('may be invoked by anyone only through the URL', () => {
    const ingestId = functionOf(template, 'ingest').logicalId;
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: { 'Fn::GetAtt': [ingestId, 'Arn'] },
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [ingestId, 'Arn'] },
      Principal: '*',
      InvokedViaFunctionUrl: true,
    });
  });

  it('is capped by the ingest function\'s reserved concurrency, which no API stage replaces', () => {
    expect(functionOf(template, 'ingest').properties.ReservedConcurrentExecutions).toBe(12);
  });

  it('is where the served snippet sends events, and a stack output names it', () => {
    const variables = (functionOf(template, 'snippet').properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(variables.EVENTS_URL)).toMatch(/FunctionUrl.*v1\/events/);
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.EventsUrl?.Value)).toMatch(/FunctionUrl.*v1\/events/);
  });

  it('leaves POST /v1/events on the HTTP API too, for clients that post there, next to the snippet', () => {
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => (route as Resource).Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(['GET /v1/snippet.js', 'OPTIONS /v1/events', 'POST /v1/events']);
  });

  it('does not exist with ingestApi "http", where the snippet posts next to itself', () => {
    withoutUrl.resourceCountIs('AWS::Lambda::Url', 0);
    const variables = (functionOf(withoutUrl, 'snippet').properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.EVENTS_URL).toBeUndefined();
  });

  it('refuses a URL without a reason or without a concurrency cap', () => {
    const stack = new Stack(new App(), 'Props');
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
    const routes = [{ method: 'POST', path: '/v1/events' }];
    expect(() => new IngestUrl(stack, 'NoReason', { function: fn, routes, whyPublic: '', reservedConcurrency: 5 })).toThrow(/say why/);
    expect(() => new IngestUrl(stack, 'NoCap', { function: fn, routes, whyPublic: 'Browsers hold no credentials at all.', reservedConcurrency: 0 })).toThrow(/reserved concurrency/);
  });
});
