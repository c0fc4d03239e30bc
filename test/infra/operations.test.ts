import { FUNCTIONS } from '../../functions/contracts/functions';
import { CfnResource, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LEADS_BY_LAST_SEEN_INDEX } from '../../functions/contracts/table';
import type { Encryption } from '../../lib/constructs/encryption';
import type { RestApi } from '../../lib/constructs/rest-api';
import type { Ingest } from '../../lib/constructs/ingest';
import { Operations, type OperationsProps } from '../../lib/constructs/operations';
import type { Storage } from '../../lib/constructs/storage';
import type { EirleadStack } from '../../lib/eirlead-stack';
import { nagPacks } from '../../lib/guards/nag';
import { buildApp } from './support';

type Resource = { Type: string; Properties: Record<string, unknown> };

// Two stacks, each synthesised once: as cdk.json configures it (no e-mail, default queue age, public routes on
// the HTTP API), and with an alarm address, a longer queue age and ingestApi rest, to show the context
// reaches the alarms.
const { stack } = buildApp();
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;
const configured = Template.fromStack(
  buildApp({ alarms: { email: 'ops@example.com', queueAgeSeconds: 900 }, ingestApi: 'rest' }).stack,
);
/** The configured stack also keeps the public routes on the REST API: no HTTP API to watch there. */
const restMode = configured;

/** Logical id of the CloudFormation resource at a construct path, e.g. `EirleadStack/Ingest/Queue/Resource`. */
function logicalIdOf(path: string): string {
  const construct = stack.node.findAll().find((c) => c.node.path === path);
  if (!construct || !CfnResource.isCfnResource(construct)) throw new Error(`No CloudFormation resource at ${path}`);
  return stack.resolve(construct.logicalId) as string;
}

const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
const topicRef = () => ({ Ref: template.getResourceId('AWS::SNS::Topic') });
const keyId = () => template.getResourceId('AWS::KMS::Key');

/** The alarms on one metric of one resource (dimension value is the resource's Ref or GetAtt). */
function alarmsOn(metricName: string, dimension: { Name: string; Value: unknown }): Resource[] {
  return alarms().filter(
    (alarm) =>
      alarm.Properties.MetricName === metricName &&
      JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify([dimension]),
  );
}

/** The dashboard body with its tokens rendered as `<LogicalId>`, so it can be searched as text. */
function dashboardBody(t: Template): string {
  const dashboard = Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0] as Resource;
  const join = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return join
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return `<${ref.Ref ?? ref['Fn::GetAtt']?.[0] ?? '?'}>`;
    })
    .join('');
}

describe('alarms', () => {
  const dlqId = logicalIdOf('EirleadStack/Ingest/DeadLetterQueue/Resource');
  const queueId = logicalIdOf('EirleadStack/Ingest/Queue/Resource');

  test('the dead-letter queue alarms at one visible message and says how to redrive', () => {
    const found = alarmsOn('ApproximateNumberOfMessagesVisible', { Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } });
    expect(found).toHaveLength(1);
    expect(found[0]?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(found[0]?.Properties.AlarmDescription).toEqual(expect.stringContaining('npm run dlq -- count'));
    expect(found[0]?.Properties.AlarmDescription).toEqual(expect.stringContaining('npm run dlq -- redrive'));
  });

  test('every function of the function table has an Errors and a Throttles alarm (sum over 5 minutes, at least 1)', () => {
    const functionIds = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functionIds).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const id of functionIds) {
      for (const metricName of ['Errors', 'Throttles']) {
        const found = alarmsOn(metricName, { Name: 'FunctionName', Value: { Ref: id } });
        expect({ id, metricName, count: found.length }).toEqual({ id, metricName, count: 1 });
        expect(found[0]?.Properties).toMatchObject({
          Namespace: 'AWS/Lambda',
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    }
  });

  test('alarm names say which function, so a notification is readable on its own', () => {
    const names = alarms().map((alarm) => alarm.Properties.AlarmName);
    for (const fn of ['ingest', 'enrichment', 'leads-api', 'authorizer', 'snippet', 'salt-cleanup', 'alerts', 'alert-delivery', 'alerts-api']) {
      expect(names).toEqual(expect.arrayContaining([`EirleadStack-${fn}-errors`, `EirleadStack-${fn}-throttles`]));
    }
  });

  test('alerts: dead-lettered deliveries, failed stream batches or digest runs, and a lagging stream each alarm', () => {
    const names = alarms().map((alarm) => alarm.Properties.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining(['EirleadStack-alert-deliveries-dead-lettered', 'EirleadStack-alert-failures', 'EirleadStack-alerts-lagging', 'EirleadStack-alert-delivery-backlog']),
    );
    const lag = alarms().find((alarm) => alarm.Properties.AlarmName === 'EirleadStack-alerts-lagging');
    expect(lag?.Properties).toMatchObject({ MetricName: 'IteratorAge', Threshold: 60_000, Statistic: 'Maximum' });
  });

  test('the events queue alarms when its oldest message is older than the configured age (default 300 s)', () => {
    const dimension = { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } };
    const found = alarmsOn('ApproximateAgeOfOldestMessage', dimension);
    expect(found).toHaveLength(1);
    expect(found[0]?.Properties).toMatchObject({ Threshold: 300, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum' });
    configured.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [dimension],
      Threshold: 900,
    });
  });

  test('DynamoDB throttling of the table and its index is alarmed from one expression', () => {
    const tableRef = { Ref: template.getResourceId('AWS::DynamoDB::GlobalTable') };
    const found = alarms().filter((alarm) => alarm.Properties.AlarmName === 'EirleadStack-table-throttles');
    expect(found).toHaveLength(1);
    const metrics = found[0]?.Properties.Metrics as Array<Record<string, unknown>>;
    const stats = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat as { Metric: { MetricName: string; Dimensions: unknown[] } }] : []));
    expect(stats.map((s) => s.Metric.MetricName).sort()).toEqual([
      'ReadThrottleEvents',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
      'WriteThrottleEvents',
    ]);
    for (const stat of stats) expect(stat.Metric.Dimensions).toEqual(expect.arrayContaining([{ Name: 'TableName', Value: tableRef }]));
    expect(JSON.stringify(stats)).toContain(LEADS_BY_LAST_SEEN_INDEX);
    const expression = metrics.find((m) => m.ReturnData !== false)?.Expression as string;
    // Every series is filled, so a quiet index cannot blank out the sum.
    expect(expression.match(/FILL\(\w+, 0\)/g)).toHaveLength(4);
    expect(found[0]?.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  test('API 5XX responses of the prod stage are alarmed', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: Match.arrayWith([{ Name: 'ApiName', Value: 'eirlead' }]),
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  test('5xx answers of the public HTTP API ($default stage) are alarmed, with where to look', () => {
    const apiId = template.getResourceId('AWS::ApiGatewayV2::Api');
    const found = alarms().filter((alarm) => alarm.Properties.MetricName === '5xx');
    expect(found).toHaveLength(1);
    expect(found[0]?.Properties).toMatchObject({
      AlarmName: 'EirleadStack-public-api-5xx',
      Namespace: 'AWS/ApiGateway',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(found[0]?.Properties.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'ApiId', Value: { Ref: apiId } },
        { Name: 'Stage', Value: '$default' },
      ]),
    );
    expect(found[0]?.Properties.AlarmDescription).toEqual(expect.stringContaining('integrationError'));
  });

  test('with the public routes on the REST API (ingestApi rest) there is no HTTP API alarm', () => {
    restMode.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    expect(Object.keys(restMode.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: '5xx' } }))).toEqual([]);
    restMode.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Namespace: 'AWS/ApiGateway' });
  });

  test('every alarm notifies the topic on ALARM and OK, treats missing data as fine and says what to do', () => {
    // Six on the pipeline, four on alerts (dead-lettered deliveries, failures, stream lag, delivery backlog), one on
    // the CRM jobs' dead letters, two per function.
    expect(alarms()).toHaveLength(6 + 4 + 1 + 2 * Object.keys(FUNCTIONS).length);
    for (const alarm of alarms()) {
      expect(alarm.Properties).toMatchObject({
        AlarmActions: [topicRef()],
        OKActions: [topicRef()],
        TreatMissingData: 'notBreaching',
        EvaluationPeriods: 1,
        AlarmName: expect.stringMatching(/^EirleadStack-[a-z0-9-]+$/),
      });
      expect((alarm.Properties.AlarmDescription as string).length).toBeGreaterThan(80);
    }
  });
});

describe('alarm topic', () => {
  test('is encrypted with the project key and accepts only TLS', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId(), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef()],
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
  });

  test('CloudWatch may publish to it, for alarms of this account only', () => {
    const sourceConditions = {
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
    };
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: sourceConditions,
          }),
        ]),
      }),
    });
    // Without the key, CloudWatch cannot publish to an encrypted topic at all.
    const key = resources[keyId()] as Resource;
    const statements = (key.Properties.KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement;
    const forCloudWatch = statements.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }));
    expect(forCloudWatch).toHaveLength(1);
    expect(forCloudWatch[0]).toMatchObject({ Effect: 'Allow', Condition: sourceConditions });
    expect(forCloudWatch[0]?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    expect(JSON.stringify(forCloudWatch[0]?.Action)).not.toMatch(/kms:\*|CreateGrant|ReEncrypt/);
  });

  test('no subscription without alarms.email, exactly one e-mail subscription with it', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    configured.resourceCountIs('AWS::SNS::Subscription', 1);
    configured.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: configured.getResourceId('AWS::SNS::Topic') },
    });
  });

  test('the outputs name the topic and a dashboard URL in eu-west-1', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.AlarmTopicArn?.Value).toEqual(topicRef());
    const url = JSON.stringify(outputs.DashboardUrl?.Value);
    expect(url).toContain('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/');
    expect(url).toContain(template.getResourceId('AWS::CloudWatch::Dashboard'));
  });
});

describe('dashboard', () => {
  const body = dashboardBody(template);

  test('one dashboard named after the stack', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Eirlead-EirleadStack' });
  });

  test('graphs the API, every function, the queues and the table', () => {
    for (const metric of ['"Count"', '"4XXError"', '"5XXError"', '"Latency"', '"IntegrationLatency"']) expect(body).toContain(metric);
    for (const metric of ['"Invocations"', '"Errors"', '"Duration"', '"Throttles"', '"ConcurrentExecutions"']) expect(body).toContain(metric);
    for (const id of Object.keys(template.findResources('AWS::Lambda::Function'))) expect(body).toContain(`<${id}>`);
    expect(body).toContain(`"ApproximateAgeOfOldestMessage","QueueName","<${logicalIdOf('EirleadStack/Ingest/Queue/Resource')}>"`);
    expect(body).toContain(`"ApproximateNumberOfMessagesVisible","QueueName","<${logicalIdOf('EirleadStack/Ingest/DeadLetterQueue/Resource')}>"`);
    for (const metric of ['"ConsumedReadCapacityUnits"', '"ConsumedWriteCapacityUnits"', 'ReadThrottleEvents', 'WriteThrottleEvents']) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('"p95"');
  });

  test('graphs the public HTTP API\'s requests, 4xx, 5xx and latency by API id and $default stage', () => {
    const apiId = template.getResourceId('AWS::ApiGatewayV2::Api');
    for (const metric of ['Count', '4xx', '5xx', 'Latency', 'IntegrationLatency']) {
      expect(body).toContain(`"AWS/ApiGateway","${metric}","ApiId","<${apiId}>","Stage","$default"`);
    }
    expect(dashboardBody(configured)).not.toContain('"Stage","$default"');
  });

  test('graphs the ingest function\'s DroppedEvents in its Powertools namespace, by reason', () => {
    expect(body).toContain(String.raw`SEARCH('{Eirlead,reason,service} MetricName=\"DroppedEvents\"', 'Sum', 300)`);
  });

  test('shows the state of every alarm and the queue-age threshold', () => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    for (const id of alarmIds) expect(body).toContain(`<${id}>`);
    expect(body).toMatch(/"horizontal":\[\{"value":300,"label":"Alarm threshold"/);
    expect(dashboardBody(configured)).toMatch(/"horizontal":\[\{"value":900,"label":"Alarm threshold"/);
  });
});

describe('cdk-nag with an alarm address', () => {
  // The default configuration is checked in nag.test.ts; the e-mail subscription is only made with alarms.email.
  test('no unacknowledged finding', () => {
    const { stack: withEmail } = buildApp({ alarms: { email: 'ops@example.com' } });
    const findings = nagPacks().flatMap((pack) =>
      pack.validateScope(withEmail).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath ?? '?'}`)),
    );
    expect(findings).toEqual([]);
  });
});

describe('Operations props', () => {
  /** Valid props from a fresh stack, so each case changes one thing. */
  function validProps(): { target: EirleadStack; props: OperationsProps } {
    const { stack: target } = buildApp();
    const child = <T>(id: string) => target.node.findChild(id) as T;
    const ingest = child<Ingest>('Ingest');
    return {
      target,
      props: {
        functions: { ingest: ingest.function },
        queue: ingest.queue,
        deadLetterQueue: ingest.deadLetterQueue,
        table: child<Storage>('Storage').table,
        api: child<RestApi>('HttpApi').api,
        encryptionKey: child<Encryption>('Encryption').key,
      },
    };
  }

  test.each<[string, Partial<OperationsProps>, RegExp]>([
    ['no function', { functions: {} }, /at least one function/],
    ['a function name with spaces', { functions: { 'Leads API': undefined as never } }, /function names must be lower case/],
    ['a queue age below a minute', { queueAgeThreshold: Duration.seconds(30) }, /queueAgeThreshold must be from 1 minute/],
    ['more indexes than one alarm can sum', { tableIndexNames: ['a', 'b', 'c', 'd', 'e'] }, /at most 4 table indexes/],
    ['an address that is not one', { alarmEmail: 'ops at example.com' }, /alarmEmail must be an e-mail address/],
  ])('refuses %s', (_case, change, message) => {
    const { target, props } = validProps();
    expect(() => new Operations(target, 'Checked', { ...props, ...change })).toThrow(message);
  });
});
