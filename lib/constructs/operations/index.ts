import { Duration, Stack, Token } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAlarmTopic } from './alarm-topic';
import { createAlarms, MAX_INDEXES } from './alarms';
import { createDashboard } from './dashboard';

export interface AlertsWatched {
  readonly deliveryQueue: sqs.IQueue;
  readonly deliveryDeadLetterQueue: sqs.IQueue;
  readonly failures: sqs.IQueue;
  readonly evaluator: lambda.IFunction;
}

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
  /**
   * The salt cleanup's on-failure destination; any message in it is a run that failed, so expired salts may still
   * exist.
   * @default - not watched
   */
  readonly saltCleanupFailures?: sqs.IQueue;
  /**
   * The alert pipeline (lib/constructs/alerts.ts): deliveries dead-lettered, failed stream batches or digest runs,
   * and how far the alerts function lags behind the table's stream.
   * @default - not watched
   */
  readonly alerts?: AlertsWatched;
  /**
   * The CRM jobs' dead-letter queue; any message in it is a CRM sync job or schedule fan-out that failed for a
   * reason of ours (a CRM's own refusals are in the sync status, not here).
   * @default - not watched
   */
  readonly crmFailures?: sqs.IQueue;
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
 *
 * The topic, alarms and dashboard are made by plain functions that create their resources in this construct's
 * own scope, not in nested constructs: a nested construct would change every construct path, hence every
 * logical id, and CloudFormation would replace the deployed topic (dropping its subscriptions) and the alarms.
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
    const queueAge = props.queueAgeThreshold ?? Duration.minutes(5);
    const functions = Object.entries(props.functions);
    const stage = props.api.deploymentStage;
    const publicStage = props.publicApiStage;

    this.alarmTopic = createAlarmTopic(this, { encryptionKey: props.encryptionKey, alarmEmail: props.alarmEmail });
    const alarms = createAlarms(this, {
      topic: this.alarmTopic,
      functions,
      queue: props.queue,
      deadLetterQueue: props.deadLetterQueue,
      saltCleanupFailures: props.saltCleanupFailures,
      alerts: props.alerts,
      crmFailures: props.crmFailures,
      table: props.table,
      indexNames: props.tableIndexNames ?? [],
      stage,
      publicStage,
      queueAge,
    });
    this.alarms = alarms.alarms;
    this.dashboard = createDashboard(this, {
      dashboardName: props.dashboardName ?? `Eirlead-${Stack.of(this).stackName}`,
      functions,
      queue: props.queue,
      table: props.table,
      stage,
      publicStage,
      queueAge,
      namespace: props.metricsNamespace ?? 'Eirlead',
      alarms,
    });
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
