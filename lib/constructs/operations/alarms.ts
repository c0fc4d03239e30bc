import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { AlertsWatched } from './index';

/** Every alarm and graph looks at five-minute windows: short enough to act on, long enough not to flap. */
export const PERIOD = Duration.minutes(5);
/** CloudWatch allows at most 10 metrics in one alarm's math expression: table read + write, and 2 per index. */
export const MAX_INDEXES = 4;

/** What the alarms watch, with the Operations defaults already applied. */
export interface AlarmsInput {
  readonly topic: sns.ITopic;
  readonly functions: ReadonlyArray<readonly [string, lambda.IFunction]>;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly saltCleanupFailures: sqs.IQueue | undefined;
  readonly alerts: AlertsWatched | undefined;
  readonly crmFailures?: sqs.IQueue | undefined;
  readonly table: dynamodb.ITableV2;
  readonly indexNames: readonly string[];
  readonly stage: apigateway.Stage;
  readonly publicStage: apigwv2.IHttpStage | undefined;
  readonly queueAge: Duration;
}

/** The alarms, and the metrics the dashboard graphs next to their thresholds. */
export interface Alarms {
  /** In the order the dashboard's alarm widget shows them. */
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dlqDepth: cloudwatch.Metric;
  readonly oldestAge: cloudwatch.Metric;
  readonly tableThrottles: cloudwatch.MathExpression;
}

/**
 * Creates the alarms directly in `scope` (the Operations construct) under the ids they were deployed with,
 * so their logical ids, and with them the alarms' history, survive this code being moved around.
 */
export function createAlarms(scope: Construct, input: AlarmsInput): Alarms {
  const prefix = Stack.of(scope).stackName;
  const { queueAge, stage } = input;
  const action = new SnsAction(input.topic);
  const alarms: cloudwatch.Alarm[] = [];
  type AlarmCondition = Pick<cloudwatch.AlarmProps, 'metric' | 'threshold' | 'comparisonOperator'>;
  const alarm = (alarmId: string, name: string, description: string, condition: AlarmCondition): void => {
    const created = new cloudwatch.Alarm(scope, alarmId, {
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
  const atLeastOne = { threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD };

  // Events lost from the pipeline: enrichment gave up on them after the queue's maxReceiveCount attempts.
  const dlqDepth = input.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
  alarm('DeadLetterQueueAlarm', 'dlq-not-empty', [
    'Eirlead: events are in the dead-letter queue; enrichment failed on them repeatedly and they are NOT in the leads.',
    'Find the cause in the enrichment function\'s log group (level ERROR) and fix it; then count them with',
    '`npm run dlq -- count --dlq-url <DeadLetterQueueUrl>` and move them back with',
    '`npm run dlq -- redrive --dlq-url <DeadLetterQueueUrl> --queue-url <QueueUrl>` (stack outputs).',
    'They expire after retention.dlqRetentionDays.',
  ].join(' '), { metric: dlqDepth, ...atLeastOne });

  // Salts outliving their time: while one exists, a stored visit can still be linked to an address.
  if (input.saltCleanupFailures) {
    alarm('SaltCleanupFailedRunsAlarm', 'salt-cleanup-failed-runs', [
      'Eirlead: a run of the hourly salt cleanup failed after Lambda\'s retries, so expired daily salts may still exist',
      '(while one does, stored visits of its day can be linked to addresses). Each failed run is a message in the',
      'salt cleanup\'s FailedRuns queue; its responsePayload holds the error, and the salt-cleanup log group has the',
      'details. Fix the cause: the next successful run destroys every expired salt of the last two weeks. Then purge',
      'the queue so this alarm returns to OK.',
    ].join(' '), {
      metric: input.saltCleanupFailures.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      ...atLeastOne,
    });
  }

  if (input.alerts) {
    const { deliveryDeadLetterQueue, failures, evaluator, deliveryQueue } = input.alerts;
    alarm('AlertDeliveriesDeadLetteredAlarm', 'alert-deliveries-dead-lettered', [
      'Eirlead: alert deliveries are in the alert delivery dead-letter queue (AlertDeliveryDeadLetterQueueUrl): the',
      'delivery function failed on them unexpectedly (not a receiver answering an error, which the delivery log records).',
      'Read the alert-delivery log group (level ERROR); the delivery log of each endpoint shows what was sent.',
    ].join(' '), { metric: deliveryDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }), ...atLeastOne });
    alarm('AlertFailuresAlarm', 'alert-failures', [
      'Eirlead: the alerts function gave up on a batch of lead changes (their alerts were not sent), or a daily digest',
      'run failed. Each message in the Alerts Failures queue names the stream position or the run and the error; the',
      'alerts and alert-delivery log groups have the details. Purge the queue once handled so this alarm returns to OK.',
    ].join(' '), { metric: failures.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }), ...atLeastOne });
    alarm('AlertsIteratorAgeAlarm', 'alerts-lagging', [
      'Eirlead: the alerts function is more than a minute behind the table\'s stream, so alerts arrive late. Check its',
      'Errors and Throttles alarms; a batch that keeps failing is retried (split in half) before it is given up.',
    ].join(' '), {
      metric: evaluator.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' }),
      threshold: 60_000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    alarm('AlertDeliveryBacklogAlarm', 'alert-delivery-backlog', [
      'Eirlead: an alert delivery message is over 28 hours old: the delivery function is not consuming its queue',
      '(retries are at most 12 hours apart and end after about 27.5 hours). Check the alert-delivery function\'s alarms',
      'and that its SQS event source mapping is enabled.',
    ].join(' '), {
      metric: deliveryQueue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      threshold: 28 * 3600,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
  }
  // CRM syncs that stopped for a reason of ours: the copy goes stale and, after crm.copyDays, vanishes.
  if (input.crmFailures) {
    alarm('CrmFailedJobsAlarm', 'crm-failed-jobs', [
      'Eirlead: a CRM sync job or schedule fan-out failed repeatedly (a failure of Eirlead, not the CRM\'s refusal,',
      'which the sync status shows). Each is a message in the Crm DeadLetterQueue; the crm-sync log group (level',
      'ERROR) has the cause. Fix it, then run a sync with POST /v1/sites/{siteId}/crm/connections/{id}/sync and',
      'purge the queue so this alarm returns to OK. The synced copy vanishes crm.copyDays after its last sync.',
    ].join(' '), {
      metric: input.crmFailures.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      ...atLeastOne,
    });
  }

  const oldestAge = input.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' });
  alarm('QueueAgeAlarm', 'queue-backlog', [
    `Eirlead: the oldest event in the events queue has waited more than ${queueAge.toSeconds()} s, so enrichment is`,
    'stuck or not keeping up and new leads are delayed. Check the enrichment function\'s Errors and Throttles alarms',
    'and that its SQS event source mapping is enabled. Events are deleted unenriched after retention.queueRetentionHours.',
  ].join(' '), {
    metric: oldestAge,
    threshold: queueAge.toSeconds(),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  });

  for (const [name, fn] of input.functions) {
    alarm(`${name}-ErrorsAlarm`, `${name}-errors`, [
      `Eirlead: the ${name} function failed (threw, timed out or ran out of memory) in the last 5 minutes.`,
      'Read its log group (level ERROR) for the cause; no ERROR line and a Duration (statistic Maximum) near the timeout mean it timed out.',
      'API functions answered 5XX; failed enrichment batches are retried and, after maxReceiveCount, dead-lettered.',
    ].join(' '), { metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }), ...atLeastOne });
    alarm(`${name}-ThrottlesAlarm`, `${name}-throttles`, [
      `Eirlead: Lambda refused to run the ${name} function: its reserved concurrency, or the account's concurrency in`,
      'this region, was used up. Callers got errors (the queue retries for enrichment). Compare the function\'s',
      'ConcurrentExecutions with its reserved concurrency (lib/constructs, per function, with the reason for the value)',
      'and the account\'s with the quota (Service Quotas, Lambda, Concurrent executions); raise the one that was reached.',
    ].join(' '), { metric: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }), ...atLeastOne });
  }

  const tableThrottles = tableThrottleEvents(input.table, input.indexNames);
  alarm('TableThrottlesAlarm', 'table-throttles', [
    'Eirlead: DynamoDB throttled reads or writes on the table or an index. The SDK retries, but repeated throttling',
    'fails API calls and enrichment batches. The table is on-demand: look for a hot partition key (one site or lead',
    'far busier than the rest) or a table or account throughput limit (Service Quotas, DynamoDB) and raise it.',
  ].join(' '), { metric: tableThrottles, ...atLeastOne });

  // The handlers turn unexpected errors into a 500 body instead of throwing, so these do not count as
  // function Errors: the API's 5XX count is the only alarm that sees them (and also gateway failures).
  alarm('Api5xxAlarm', 'api-5xx', [
    'Eirlead: the API answered 5XX. "Unhandled error" lines in a function\'s log group (level ERROR) are handler',
    'failures; otherwise check the function Errors alarms and the API execution log group',
    '(API-Gateway-Execution-Logs_<api id>/prod) for integration, authoriser and timeout failures.',
  ].join(' '), { metric: stage.metricServerError({ period: PERIOD, statistic: 'Sum' }), ...atLeastOne });

  // HTTP APIs have no execution log and no gateway responses to customise: the access log's integrationError
  // and status fields and the functions' logs are where a 5xx is explained.
  if (input.publicStage) {
    alarm('PublicApi5xxAlarm', 'public-api-5xx', [
      'Eirlead: the public HTTP API (POST /v1/events, GET /v1/snippet.js) answered 5xx, so visitors\' page views or',
      'the snippet failed. "Unhandled error" lines in the ingest or snippet function\'s log group (level ERROR) are',
      'handler failures; otherwise the HTTP API access log group names integration failures and timeouts in the',
      'integrationError and integrationStatus fields. Check the ingest and snippet Errors and Throttles alarms too.',
    ].join(' '), { metric: input.publicStage.metricServerError({ period: PERIOD, statistic: 'Sum' }), ...atLeastOne });
  }

  return { alarms, dlqDepth, oldestAge, tableThrottles };
}

// DynamoDB: Read/WriteThrottleEvents per table and index rather than ThrottledRequests or UserErrors.
// UserErrors has no table dimension (it counts every table in the account and region, and mostly client
// bugs, which the function alarms catch anyway); ThrottledRequests exists only per operation, and the sum
// over all 14 operations would exceed the 10 metrics an alarm may combine. The throttle events see the
// table and each index, and FILL makes a quiet series count as 0 instead of blanking the whole sum.
function tableThrottleEvents(table: dynamodb.ITableV2, indexNames: readonly string[]): cloudwatch.MathExpression {
  const throttleEvents: Record<string, cloudwatch.IMetric> = {};
  const tableDimension = { TableName: table.tableName };
  for (const kind of ['Read', 'Write'] as const) {
    throttleEvents[`table${kind}`] = table.metric(`${kind}ThrottleEvents`, { period: PERIOD, statistic: 'Sum' });
    indexNames.forEach((indexName, index) => {
      throttleEvents[`index${index}${kind}`] = table.metric(`${kind}ThrottleEvents`, {
        period: PERIOD,
        statistic: 'Sum',
        dimensionsMap: { ...tableDimension, GlobalSecondaryIndexName: indexName },
      });
    });
  }
  return new cloudwatch.MathExpression({
    expression: Object.keys(throttleEvents).map((key) => `FILL(${key}, 0)`).join(' + '),
    usingMetrics: throttleEvents,
    label: 'Throttle events (table and indexes)',
    period: PERIOD,
  });
}
