import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from './support';

describe('optional AWS WAF', () => {
  test('is off by default', () => {
    const template = Template.fromStack(buildApp().stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('when enabled: a regional web ACL with a per-address rate rule, no sampled requests, on the REST API stage', () => {
    const template = Template.fromStack(buildApp({ waf: { enabled: true, rateLimitPer5Minutes: 500 } }).stack);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      VisibilityConfig: Match.objectLike({ SampledRequestsEnabled: false }),
      Rules: [
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } },
          VisibilityConfig: Match.objectLike({ SampledRequestsEnabled: false }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('/restapis/')])]) }),
    });
  });

  test('a rate limit AWS WAF does not accept fails synth, naming the field', () => {
    expect(() => buildApp({ waf: { enabled: true, rateLimitPer5Minutes: 5 } })).toThrow(/waf\.rateLimitPer5Minutes/);
  });
});

describe('per-route throttling', () => {
  test('a route limit from config becomes a method setting that keeps the logging choices', () => {
    const { stack } = buildApp({ throttle: { rateLimit: 100, burstLimit: 200, methods: { '/v1/sites/{siteId}/erasure-requests/POST': { rateLimit: 1, burstLimit: 2 } } } });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: 'POST',
          ResourcePath: '/~1v1~1sites~1{siteId}~1erasure-requests',
          ThrottlingRateLimit: 1,
          ThrottlingBurstLimit: 2,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ]),
    });
  });

  test('a limit for a public route goes to the API that serves it, never to both', () => {
    const methods = { '/v1/events/POST': { rateLimit: 3, burstLimit: 4 } };
    const httpMode = Template.fromStack(buildApp({ throttle: { methods } }).stack);
    const restMode = Template.fromStack(buildApp({ throttle: { methods }, ingestApi: 'rest' }).stack);
    const eventsSetting = Match.objectLike({ HttpMethod: 'POST', ResourcePath: '/~1v1~1events', ThrottlingRateLimit: 3 });

    // ingestApi http: a route setting of the HTTP API; the REST stage would refuse a path it does not have.
    httpMode.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: { 'POST /v1/events': { ThrottlingRateLimit: 3, ThrottlingBurstLimit: 4 } },
    });
    httpMode.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: Match.not(Match.arrayWith([eventsSetting])) });

    // ingestApi rest: a method setting of the REST stage, as before the HTTP API existed.
    restMode.resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
    restMode.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: Match.arrayWith([eventsSetting]) });
  });

  test('a route key that is not path/method fails synth, naming it', () => {
    expect(() => buildApp({ throttle: { methods: { '/v1/events': { rateLimit: 1, burstLimit: 1 } } } })).toThrow(/throttle\.methods/);
  });
});
