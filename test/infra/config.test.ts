import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { loadConfig } from '../../lib/config';
import { EirleadStack } from '../../lib/eirlead-stack';
import { buildApp, cdkJsonContext } from './support';


/** cdk.json's configuration with one context key set to `value` (or left out when undefined), and `extra` on top. */
function configWithContext(key: string, value: unknown, extra: Record<string, unknown> = {}) {
  const context: Record<string, unknown> = { ...cdkJsonContext(), ...extra };
  if (value === undefined) delete context[key];
  else context[key] = value;
  return loadConfig(new App({ context }).node);
}
describe('region rule', () => {
  test('context region=us-east-1 fails synth, naming the rule', () => {
    expect(() => buildApp({ region: 'us-east-1' })).toThrow(/region: Eirlead deploys only to eu-west-1.*not to us-east-1/);
  });

  test('a stack built for another region fails, whatever the configuration says', () => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const config = loadConfig(app.node);
    expect(
      () => new EirleadStack(app, 'Elsewhere', { env: { region: 'eu-central-1' }, config }),
    ).toThrow(/must be deployed to eu-west-1.*given eu-central-1/);
  });

  test('an environment-agnostic stack fails too: the region must be known at synth', () => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const config = loadConfig(app.node);
    expect(() => new EirleadStack(app, 'Anywhere', { config })).toThrow(/must be deployed to eu-west-1/);
  });
});

describe('context validation', () => {
  test('a bad retention value fails, naming the context key and the field', () => {
    expect(() => buildApp({ retention: { visitDays: 0 } })).toThrow(/Invalid context "retention": retention\.visitDays: /);
  });

  test('a retention CloudWatch Logs does not accept fails, naming the field', () => {
    expect(() => buildApp({ retention: { logRetentionDays: 31 } })).toThrow(/retention\.logRetentionDays: must be one of/);
  });

  test('an override range that is not a CIDR fails, naming the field', () => {
    expect(() => buildApp({ ipOverrides: { ignore: ['10.0.0.1'] } })).toThrow(/Invalid context "ipOverrides": ipOverrides\.ignore\.0: must be an IPv4 or IPv6 range/);
  });

  test('a site may ask for education and government leads, nothing else', () => {
    expect(() =>
      buildApp({ sites: [{ siteId: 'demo', allowedOrigins: ['https://www.example.com'], leadClasses: ['isp'] }] }),
    ).toThrow(/sites\.0\.leadClasses\.0/);
  });

  test('an unknown retention field is refused rather than silently ignored', () => {
    expect(() => buildApp({ retention: { visitsDays: 30 } })).toThrow(/Invalid context "retention"/);
  });

  test('values passed with -c arrive as JSON strings and are parsed', () => {
    const { stack } = buildApp({ retention: '{"backupRecoveryDays":3,"logRetentionDays":14}' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 3 },
        }),
      ],
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', Match.objectLike({ RetentionInDays: 14 }));
  });

  test('a malformed JSON string names the key', () => {
    expect(() => buildApp({ sites: '[{"siteId":' })).toThrow(/Invalid context "sites": not valid JSON/);
  });

  test('a bad site fails, naming the site index and field', () => {
    expect(() => buildApp({ sites: [{ siteId: 'Demo Site', allowedOrigins: ['https://example.com'] }] })).toThrow(
      /sites\.0\.siteId: /,
    );
  });

  test('missing sites fail with a message naming the key', () => {
    const context = cdkJsonContext();
    delete context.sites;
    const app = new App({ context });
    expect(() => loadConfig(app.node)).toThrow(/Invalid context "sites"/);
  });

  test('throttling comes from context', () => {
    const { stack } = buildApp({ throttle: { rateLimit: 20, burstLimit: 40 } });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }),
      ]),
    });
  });
});

describe('alarms context', () => {
  const configWith = (alarms: unknown, extra: Record<string, unknown> = {}) => configWithContext('alarms', alarms, extra);

  test('an absent section means no e-mail and a 300 s queue age', () => {
    expect(configWith(undefined).alarms).toEqual({ queueAgeSeconds: 300 });
    expect(configWith({}).alarms).toEqual({ queueAgeSeconds: 300 });
  });

  test('cdk.json documents the default queue age', () => {
    expect(cdkJsonContext().alarms).toEqual({ queueAgeSeconds: 300 });
  });

  test('an e-mail address and a queue age are taken, also as a -c JSON string', () => {
    expect(configWith({ email: 'ops@example.com', queueAgeSeconds: 900 }).alarms).toEqual({ email: 'ops@example.com', queueAgeSeconds: 900 });
    expect(configWith('{"email":"ops@example.com"}').alarms).toEqual({ email: 'ops@example.com', queueAgeSeconds: 300 });
  });

  test('an address that is not one fails, naming the field', () => {
    expect(() => configWith({ email: 'ops.example.com' })).toThrow(/Invalid context "alarms": alarms\.email: must be an e-mail address/);
  });

  test.each([59, 43_201, 300.5])('a queue age of %s s fails, naming the field', (queueAgeSeconds) => {
    expect(() => configWith({ queueAgeSeconds })).toThrow(/Invalid context "alarms": alarms\.queueAgeSeconds: /);
  });

  test('the bounds themselves are accepted', () => {
    expect(configWith({ queueAgeSeconds: 60 }).alarms.queueAgeSeconds).toBe(60);
    expect(configWith({ queueAgeSeconds: 43_200 }, { retention: { queueRetentionHours: 24 } }).alarms.queueAgeSeconds).toBe(43_200);
  });

  test('an unknown field is refused rather than silently ignored', () => {
    expect(() => configWith({ emails: ['ops@example.com'] })).toThrow(/Invalid context "alarms"/);
  });

  test('a queue age the queue retention would never reach fails, naming both settings', () => {
    expect(() => configWith({ queueAgeSeconds: 3600 }, { retention: { queueRetentionHours: 1 } })).toThrow(
      /alarms\.queueAgeSeconds: must be shorter than retention\.queueRetentionHours \(1 h\)/,
    );
    expect(configWith({ queueAgeSeconds: 3599 }, { retention: { queueRetentionHours: 1 } }).alarms.queueAgeSeconds).toBe(3599);
  });
});

describe('ingestApi context', () => {
  const configWith = (ingestApi: unknown) => configWithContext('ingestApi', ingestApi);

  test('defaults to the function URL, and cdk.json states the default', () => {
    expect(configWith(undefined).ingestApi).toBe('functionUrl');
    expect(cdkJsonContext().ingestApi).toBe('functionUrl');
  });

  test('"rest" and "http" are taken, also as -c ingestApi=rest passes them (a plain string, not JSON)', () => {
    expect(configWith('rest').ingestApi).toBe('rest');
    expect(configWith('http').ingestApi).toBe('http');
  });

  test.each(['REST', 'functionurl', 'graphql', '', 1, { type: 'rest' }])('%p fails, naming the key and the choices', (value) => {
    expect(() => configWith(value)).toThrow(/Invalid context "ingestApi": ingestApi: must be "functionUrl", "http" or "rest"/);
  });
});

describe('enrichment context', () => {
  const configWith = (enrichment: unknown) => configWithContext('enrichment', enrichment);

  test('the batching window defaults to the function table\'s, and cdk.json states it', () => {
    expect(configWith(undefined).enrichment.batchingWindowSeconds).toBe(FUNCTIONS.enrichment.queueBatch.maxBatchingWindowSeconds);
    expect(cdkJsonContext().enrichment).toEqual({ batchingWindowSeconds: FUNCTIONS.enrichment.queueBatch.maxBatchingWindowSeconds });
    expect(configWith({ batchingWindowSeconds: 5 }).enrichment.batchingWindowSeconds).toBe(5);
    expect(configWith('{"batchingWindowSeconds":20}').enrichment.batchingWindowSeconds).toBe(20);
  });

  test.each([0, 21, 1.5, '5'])('a window of %p fails, naming the field', (batchingWindowSeconds) => {
    expect(() => configWith({ batchingWindowSeconds })).toThrow(/Invalid context "enrichment": enrichment\.batchingWindowSeconds: /);
  });

  test('an unknown field fails', () => {
    expect(() => configWith({ batchSize: 10 })).toThrow(/Invalid context "enrichment"/);
  });

  test('the stack gathers batches for the configured window, and the queue hides a message for it too', () => {
    const template = Template.fromStack(buildApp({ enrichment: { batchingWindowSeconds: 5 } }).stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: FUNCTIONS.enrichment.queueBatch.batchSize, MaximumBatchingWindowInSeconds: 5 });
    // AWS's advice for an SQS event source: a visibility timeout of six times the function's timeout plus the window.
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * FUNCTIONS.enrichment.timeoutSeconds + 5 });
  });
});

