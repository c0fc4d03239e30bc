import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { PERIOD, type Alarms } from './alarms';
import { FUNCTIONS } from '../../../functions/contracts/functions';

/** What the dashboard graphs, with the Operations defaults already applied. */
export interface DashboardInput {
  readonly dashboardName: string;
  readonly functions: ReadonlyArray<readonly [string, lambda.IFunction]>;
  readonly queue: sqs.IQueue;
  readonly table: dynamodb.ITableV2;
  readonly stage: apigateway.Stage;
  readonly publicStage: apigwv2.IHttpStage | undefined;
  readonly queueAge: Duration;
  readonly namespace: string;
  /** The alarms shown in the status widget, and the metrics graphed against their thresholds. */
  readonly alarms: Alarms;
}

/**
 * Creates the dashboard directly in `scope` (the Operations construct) with the id `Dashboard`, so its logical
 * id stays as deployed.
 */
export function createDashboard(scope: Construct, input: DashboardInput): cloudwatch.Dashboard {
  const { functions, queue, table, stage, publicStage, queueAge, namespace } = input;
  // A dashboard is account-wide, not regional, but it holds only widget definitions (metric names and
  // resource names, no visitor data), and every widget reads its metrics from this stack's region.
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: input.dashboardName,
    defaultInterval: Duration.hours(6),
  });
  const labelled = (name: string, options: cloudwatch.MetricOptions = {}) => ({ period: PERIOD, label: name, ...options });
  dashboard.addWidgets(
    new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...input.alarms.alarms], width: 24, height: 4 }),
  );
  const restApi = publicStage ? 'REST API (leads)' : 'API';
  dashboard.addWidgets(...apiWidgets(`${restApi} requests and errors (sum per 5 min)`, `${restApi} latency (ms)`, stage, 'XX'));
  if (publicStage) {
    dashboard.addWidgets(
      ...apiWidgets(
        'Public HTTP API (ingest, snippet) requests and errors (sum per 5 min)',
        'Public HTTP API latency (ms)',
        publicStage,
        'xx',
      ),
    );
  }
  dashboard.addWidgets(
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
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Events queue',
      left: [
        queue.metricNumberOfMessagesSent({ period: PERIOD, statistic: 'Sum', label: 'Queued (sum)' }),
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'Waiting' }),
        queue.metricApproximateNumberOfMessagesNotVisible({ period: PERIOD, statistic: 'Maximum', label: 'In flight' }),
      ],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Age of oldest queued event (s)',
      left: [input.alarms.oldestAge.with({ label: 'Oldest event age' })],
      leftAnnotations: [{ value: queueAge.toSeconds(), label: 'Alarm threshold', color: cloudwatch.Color.RED }],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Dead-letter queue (events not enriched)',
      left: [input.alarms.dlqDepth.with({ label: 'Messages in DLQ' })],
      leftAnnotations: [{ value: 1, label: 'Alarm threshold', color: cloudwatch.Color.RED }],
      width: 8,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'DynamoDB consumed capacity (sum per 5 min)',
      left: [
        table.metricConsumedReadCapacityUnits({ period: PERIOD, statistic: 'Sum', label: 'Read units' }),
        table.metricConsumedWriteCapacityUnits({ period: PERIOD, statistic: 'Sum', label: 'Write units' }),
      ],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'DynamoDB throttling',
      left: [input.alarms.tableThrottles],
      width: 12,
    }),
  );
  dashboard.addWidgets(
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
            // The Powertools `service` dimension of the enrichment function's metrics is its service name.
            dimensionsMap: { service: FUNCTIONS.enrichment.serviceName },
            statistic: 'Sum',
            period: PERIOD,
          }),
      ),
      width: 12,
    }),
  );
  return dashboard;
}

/**
 * Requests/errors and latency graphs of one API stage; REST and HTTP API stages offer the same metric methods.
 * The legend spells the status classes as each API's metric names do (5XXError, 5xx), so it matches the console.
 */
function apiWidgets(
  countTitle: string,
  latencyTitle: string,
  stage: apigateway.Stage | apigwv2.IHttpStage,
  xx: 'XX' | 'xx',
): cloudwatch.GraphWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: countTitle,
      left: [
        stage.metricCount({ period: PERIOD, statistic: 'Sum', label: 'Requests' }),
        stage.metricClientError({ period: PERIOD, statistic: 'Sum', label: `4${xx}` }),
        stage.metricServerError({ period: PERIOD, statistic: 'Sum', label: `5${xx}` }),
      ],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: latencyTitle,
      left: [
        stage.metricLatency({ period: PERIOD, statistic: 'p50', label: 'Latency p50' }),
        stage.metricLatency({ period: PERIOD, statistic: 'p95', label: 'Latency p95' }),
        stage.metricLatency({ period: PERIOD, statistic: 'p99', label: 'Latency p99' }),
        stage.metricIntegrationLatency({ period: PERIOD, statistic: 'p95', label: 'Integration latency p95' }),
      ],
      width: 12,
    }),
  ];
}
