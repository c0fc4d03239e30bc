import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from './support';

describe('optional AWS WAF', () => {
  test('is off by default', () => {
    const template = Template.fromStack(buildApp().stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('when enabled: a regional web ACL with a per-address rate rule, no sampled requests, on the API stage', () => {
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
