import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Every alarm and graph looks at five-minute windows: short enough to act on, long enough not to flap. */
const PERIOD = Duration.minutes(5);
/** CloudWatch allows at most 10 metrics in one alarm's math expression: table read + write, and 2 per index. */
const MAX_INDEXES = 4;

export interface OperationsProps {
  /**
   * The functions to watch, keyed by the short name used in alarm names, descriptions and graph legends
   * (lower case, digits and hyphens, e.g. `ingest`). Each gets an Errors and a Throttles alarm.
   */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The events queue that enrichment consumes; its oldest message's age shows whether enrichment keeps up. */
  readonly queue: sqs.IQueue;
  /** The events queue's dead-letter queue; any message in it is an event that could not be enriched. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly table: dynamodb.ITableV2;
  /**
   * Global secondary indexes of the table whose throttling is watched with the table's (at most 4).
   * @default - the table's own throttling only
   */
  readonly tableIndexNames?: readonly string[];
  /** The REST API; its deployment stage's requests, errors and latency are graphed and its 5XX alarmed. */
  readonly api: apigateway.RestApi;
  /**
   * The stage of the HTTP API that serves the public routes (event ingest, the snippet), when they are not on
   * the REST API; its requests, errors and latency are graphed and its 5xx alarmed like the REST API's.
   * @default - no HTTP API: the public routes are on the REST API
   */
  readonly publicApiStage?: apigwv2.IHttpStage;
  /**
   * Customer-managed key that encrypts the alarm topic; CloudWatch is allowed to use it for this account's
   * alarms only, which it needs to publish to an encrypted topic at all.
   */
  readonly encryptionKey: kms.IKey;
  /**
   * Address subscribed to the alarm topic (AWS first sends it a confirmation mail that must be accepted).
   * @default - no subscription; the topic exists for operators to subscribe their own targets
   */
  readonly alarmEmail?: string;
  /**
   * Age of the oldest queued event above which enrichment counts as stuck (1 minute to 14 days).
   * @default Duration.minutes(5)
   */
  readonly queueAgeThreshold?: Duration;
  /**
   * CloudWatch namespace of the handlers' Powertools metrics (see `new Metrics({ namespace })` in functions/).
   * @default 'Eirlead'
   */
  readonly metricsNamespace?: string;
  /**
   * Dashboards are account-wide (not regional), so the name carries the stack name to stay unique.
   * @default `Eirlead-${stackName}`
   */
  readonly dashboardName?: string;
}

/**
 * What an operator needs to run Eirlead: alarms on everything that loses or delays events or fails callers,
 * all sent to one KMS-encrypted SNS topic, and one dashboard with the pipeline end to end. Descriptions say
 * what to do, because an alarm e-mail is read at 3 a.m. by someone who did not write this stack.
 */
export class Operations extends Construct {
  /** Receives every alarm's ALARM and OK notifications; subscribe further targets to it as needed. */
  public readonly alarmTopic: sns.Topic;
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm made here, in the order the dashboard's alarm widget shows them. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    validate(props);
    const stack = Stack.of(this);
    const prefix = stack.stackName;
    const queueAge = props.queueAgeThreshold ?? Duration.minutes(5);
    const namespace = props.metricsNamespace ?? 'Eirlead';
    const indexNames = props.tableIndexNames ?? [];
    const functions = Object.entries(props.functions);
    const stage = props.api.deploymentStage;

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Eirlead alarms (${prefix})`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    this.grantAlarmsPublish(props.encryptionKey);
    if (props.alarmEmail !== undefined) {
      const subscription = this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An alarm notification that could not be mailed is not worth a queue nobody watches: the alarm state and its history stay in CloudWatch, and the alarm notifies again when it returns to OK or fires anew.',
      });
    }
    const action = new SnsAction(this.alarmTopic);

    const alarms: cloudwatch.Alarm[] = [];
    this.alarms = alarms;
    type AlarmCondition = Pick<cloudwatch.AlarmProps, 'metric' | 'threshold' | 'comparisonOperator'>;
    const alarm = (alarmId: string, name: string, description: string, condition: AlarmCondition): void => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        ...condition,
        alarmName: `${prefix}-${name}`,
        alarmDescription: description,
        // One five-minute window: every condition here is already worth a look the first time it happens.
        evaluationPeriods: 1,
        // No data means nothing happened (no failed event, no invocation): that is not a problem.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      alarms.push(created);
    };

    // Events lost from the pipeline: enrichment gave up on them after the queue's maxReceiveCount attempts.
    const dlqDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
    alarm('DeadLetterQueueAlarm', 'dlq-not-empty', [
      'Eirlead: events are in the dead-letter queue; enrichment failed on them repeatedly and they are NOT in the leads.',
      'Find the cause in the enrichment function\'s log group (level ERROR) and fix it; then count them with',
      '`npm run dlq -- count --dlq-url <DeadLetterQueueUrl>` and move them back with',
      '`npm run dlq -- redrive --dlq-url <DeadLetterQueueUrl> --queue-url <QueueUrl>` (stack outputs).',
      'They expire after retention.dlqRetentionDays.',
    ].join(' '), {
      metric: dlqDepth,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    const oldestAge = props.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' });
    alarm('QueueAgeAlarm', 'queue-backlog', [
      `Eirlead: the oldest event in the events queue has waited more than ${queueAge.toSeconds()} s, so enrichment is`,
      'stuck or not keeping up and new leads are delayed. Check the enrichment function\'s Errors and Throttles alarms',
      'and that its SQS event source mapping is enabled. Events are deleted unenriched after retention.queueRetentionHours.',
    ].join(' '), {
      metric: oldestAge,
      threshold: queueAge.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    for (const [name, fn] of functions) {
      alarm(`${name}-ErrorsAlarm`, `${name}-errors`, [
        `Eirlead: the ${name} function failed (threw, timed out or ran out of memory) in the last 5 minutes.`,
        'Read its log group (level ERROR) for the cause; no ERROR line and a Duration (statistic Maximum) near the timeout mean it timed out.',
        'API functions answered 5XX; failed enrichment batches are retried and, after maxReceiveCount, dead-lettered.',
      ].join(' '), {
        metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      alarm(`${name}-ThrottlesAlarm`, `${name}-throttles`, [
        `Eirlead: Lambda refused to run the ${name} function because the account's concurrency in this region was used up.`,
        'Callers got errors (the queue retries for enrichment). Compare ConcurrentExecutions with the account quota',
        '(Service Quotas, Lambda, Concurrent executions) and ask for a raise, or lower the API\'s throttle context.',
      ].join(' '), {
        metric: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    // DynamoDB: Read/WriteThrottleEvents per table and index rather than ThrottledRequests or UserErrors.
    // UserErrors has no table dimension (it counts every table in the account and region, and mostly client
    // bugs, which the function alarms catch anyway); ThrottledRequests exists only per operation, and the sum
    // over all 14 operations would exceed the 10 metrics an alarm may combine. The throttle events see the
    // table and each index, and FILL makes a quiet series count as 0 instead of blanking the whole sum.
    const throttleEvents: Record<string, cloudwatch.IMetric> = {};
    const tableDimension = { TableName: props.table.tableName };
    for (const kind of ['Read', 'Write'] as const) {
      throttleEvents[`table${kind}`] = props.table.metric(`${kind}ThrottleEvents`, { period: PERIOD, statistic: 'Sum' });
      indexNames.forEach((indexName, index) => {
        throttleEvents[`index${index}${kind}`] = props.table.metric(`${kind}ThrottleEvents`, {
          period: PERIOD,
          statistic: 'Sum',
          dimensionsMap: { ...tableDimension, GlobalSecondaryIndexName: indexName },
        });
      });
    }
    const tableThrottles = new cloudwatch.MathExpression({
      expression: Object.keys(throttleEvents).map((key) => `FILL(${key}, 0)`).join(' + '),
      usingMetrics: throttleEvents,
      label: 'Throttle events (table and indexes)',
      period: PERIOD,
    });
    alarm('TableThrottlesAlarm', 'table-throttles', [
      'Eirlead: DynamoDB throttled reads or writes on the table or an index. The SDK retries, but repeated throttling',
      'fails API calls and enrichment batches. The table is on-demand: look for a hot partition key (one site or lead',
      'far busier than the rest) or a table or account throughput limit (Service Quotas, DynamoDB) and raise it.',
    ].join(' '), {
      metric: tableThrottles,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    // The handlers turn unexpected errors into a 500 body instead of throwing, so these do not count as
    // function Errors: the API's 5XX count is the only alarm that sees them (and also gateway failures).
    const api5xx = stage.metricServerError({ period: PERIOD, statistic: 'Sum' });
    alarm('Api5xxAlarm', 'api-5xx', [
      'Eirlead: the API answered 5XX. "Unhandled error" lines in a function\'s log group (level ERROR) are handler',
      'failures; otherwise check the function Errors alarms and the API execution log group',
      '(API-Gateway-Execution-Logs_<api id>/prod) for integration, authoriser and timeout failures.',
    ].join(' '), {
      metric: api5xx,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    // HTTP APIs have no execution log and no gateway responses to customise: the access log's integrationError
    // and status fields and the functions' logs are where a 5xx is explained.
    const publicStage = props.publicApiStage;
    if (publicStage) {
      alarm('PublicApi5xxAlarm', 'public-api-5xx', [
        'Eirlead: the public HTTP API (POST /v1/events, GET /v1/snippet.js) answered 5xx, so visitors\' page views or',
        'the snippet failed. "Unhandled error" lines in the ingest or snippet function\'s log group (level ERROR) are',
        'handler failures; otherwise the HTTP API access log group names integration failures and timeouts in the',
        'integrationError and integrationStatus fields. Check the ingest and snippet Errors and Throttles alarms too.',
      ].join(' '), {
        metric: publicStage.metricServerError({ period: PERIOD, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    // A dashboard is account-wide, not regional, but it holds only widget definitions (metric names and
    // resource names, no visitor data), and every widget reads its metrics from this stack's region.
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `Eirlead-${prefix}`,
      defaultInterval: Duration.hours(6),
    });
    const labelled = (name: string, options: cloudwatch.MetricOptions = {}) => ({ period: PERIOD, label: name, ...options });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `${publicStage ? 'REST API (leads)' : 'API'} requests and errors (sum per 5 min)`,
        left: [
          stage.metricCount({ period: PERIOD, statistic: 'Sum', label: 'Requests' }),
          stage.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4XX' }),
          stage.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5XX' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: `${publicStage ? 'REST API (leads)' : 'API'} latency (ms)`,
        left: [
          stage.metricLatency({ period: PERIOD, statistic: 'p50', label: 'Latency p50' }),
          stage.metricLatency({ period: PERIOD, statistic: 'p95', label: 'Latency p95' }),
          stage.metricLatency({ period: PERIOD, statistic: 'p99', label: 'Latency p99' }),
          stage.metricIntegrationLatency({ period: PERIOD, statistic: 'p95', label: 'Integration latency p95' }),
        ],
        width: 12,
      }),
    );
    if (publicStage) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Public HTTP API (ingest, snippet) requests and errors (sum per 5 min)',
          left: [
            publicStage.metricCount({ period: PERIOD, statistic: 'Sum', label: 'Requests' }),
            publicStage.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
            publicStage.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
          ],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Public HTTP API latency (ms)',
          left: [
            publicStage.metricLatency({ period: PERIOD, statistic: 'p50', label: 'Latency p50' }),
            publicStage.metricLatency({ period: PERIOD, statistic: 'p95', label: 'Latency p95' }),
            publicStage.metricLatency({ period: PERIOD, statistic: 'p99', label: 'Latency p99' }),
            publicStage.metricIntegrationLatency({ period: PERIOD, statistic: 'p95', label: 'Integration latency p95' }),
          ],
          width: 12,
        }),
      );
    }
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function invocations',
        left: functions.map(([name, fn]) => fn.metricInvocations(labelled(name, { statistic: 'Sum' }))),
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: functions.map(([name, fn]) => fn.metricErrors(labelled(name, { statistic: 'Sum' }))),
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p95 (ms)',
        left: functions.map(([name, fn]) => fn.metricDuration(labelled(name, { statistic: 'p95' }))),
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function throttles and concurrency',
        left: functions.map(([name, fn]) => fn.metricThrottles(labelled(`${name} throttles`, { statistic: 'Sum' }))),
        right: functions.map(([name, fn]) => fn.metric('ConcurrentExecutions', labelled(`${name} concurrency`, { statistic: 'Maximum' }))),
        width: 6,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Events queue',
        left: [
          props.queue.metricNumberOfMessagesSent({ period: PERIOD, statistic: 'Sum', label: 'Queued (sum)' }),
          props.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'Waiting' }),
          props.queue.metricApproximateNumberOfMessagesNotVisible({ period: PERIOD, statistic: 'Maximum', label: 'In flight' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Age of oldest queued event (s)',
        left: [oldestAge.with({ label: 'Oldest event age' })],
        leftAnnotations: [{ value: queueAge.toSeconds(), label: 'Alarm threshold', color: cloudwatch.Color.RED }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue (events not enriched)',
        left: [dlqDepth.with({ label: 'Messages in DLQ' })],
        leftAnnotations: [{ value: 1, label: 'Alarm threshold', color: cloudwatch.Color.RED }],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB consumed capacity (sum per 5 min)',
        left: [
          props.table.metricConsumedReadCapacityUnits({ period: PERIOD, statistic: 'Sum', label: 'Read units' }),
          props.table.metricConsumedWriteCapacityUnits({ period: PERIOD, statistic: 'Sum', label: 'Write units' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB throttling',
        left: [tableThrottles],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dropped events by reason (ingest: bots, ignored networks; enrichment: isp, hosting, …)',
        left: [
          // SEARCH picks up every `reason` the functions report, including ones added later.
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${namespace},reason,service} MetricName="DroppedEvents"', 'Sum', ${PERIOD.toSeconds()})`,
            label: '',
            period: PERIOD,
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Events recorded in leads, and redelivered duplicates skipped',
        left: ['RecordedEvents', 'DuplicateEvents'].map(
          (metricName) =>
            new cloudwatch.Metric({
              namespace,
              metricName,
              dimensionsMap: { service: 'eirlead-enrichment' },
              statistic: 'Sum',
              period: PERIOD,
            }),
        ),
        width: 12,
      }),
    );
  }

  /**
   * CloudWatch publishes alarm notifications as its service principal, so it needs the topic's permission and,
   * for an encrypted topic, the key's. Both are limited to alarms of this account and region (confused deputy).
   */
  private grantAlarmsPublish(key: kms.IKey): void {
    const stack = Stack.of(this);
    const alarmArns = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const conditions = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': alarmArns },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions,
      }),
    );
    key.grant(cloudWatch.withConditions(conditions), 'kms:Decrypt', 'kms:GenerateDataKey*');
  }
}

function validate(props: OperationsProps): void {
  const names = Object.keys(props.functions);
  if (names.length === 0) throw new Error('Operations: watch at least one function');
  const badName = names.find((name) => !/^[a-z][a-z0-9-]{0,39}$/.test(name));
  if (badName !== undefined) {
    throw new Error(`Operations: function names must be lower case letters, digits and hyphens (at most 40), got "${badName}"`);
  }
  const age = props.queueAgeThreshold;
  if (age !== undefined && (age.toSeconds() < 60 || age.toSeconds() > Duration.days(14).toSeconds())) {
    throw new Error('Operations: queueAgeThreshold must be from 1 minute to 14 days (the longest SQS retention)');
  }
  if ((props.tableIndexNames?.length ?? 0) > MAX_INDEXES) {
    throw new Error(`Operations: at most ${MAX_INDEXES} table indexes fit in one throttling alarm`);
  }
  const email = props.alarmEmail;
  if (email !== undefined && !Token.isUnresolved(email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new Error(`Operations: alarmEmail must be an e-mail address, got "${email}"`);
  }
}
