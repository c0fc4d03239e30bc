import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVERY_MAX_RECEIVE_COUNT, DELIVERY_QUEUE_RETENTION_HOURS, type DigestRun } from '../../functions/contracts/alert-message';
import type { AlertSettings, Retention, Site } from '../../functions/contracts/deployment-config';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { KEY_PURPOSES } from '../../functions/contracts/names';
import { ROUTES } from '../../functions/contracts/routes';
import { grantKeyForPurpose, grantKeyViaService, grantQueueConsume, grantQueueSend } from './key-access';
import { EirleadFunction } from './lambda-function';
import type { RestApi } from './rest-api';
import { STAGE_NAME } from './rest-api';
import { grantTableAccess, PARTITIONS } from './table-access';

export interface AlertsProps {
  /** The table; its stream (StreamViewType from the contract) feeds the alerts function. */
  readonly table: dynamodb.ITableV2;
  /** The project key: queues, log groups, sealed endpoint URLs and secrets. */
  readonly encryptionKey: kms.IKey;
  readonly retention: Retention;
  readonly sites: readonly Site[];
  readonly settings: AlertSettings;
  /** The REST API the alert routes are added to, behind the API-key authoriser. */
  readonly restApi: RestApi;
  readonly authorizer: apigateway.IAuthorizer;
}

/** AWS guidance for Lambda SQS sources: visibility timeout at least six times the function timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * Real-time alerts beside the pipeline, never in its way (docs/alerts.md): the table's stream, filtered to lead
 * changes, feeds the alerts function, which claims each firing once and queues deliveries; the delivery function
 * sends them (signed webhooks, Slack, Teams, SES e-mail) with its own retries, queue, dead-letter queue and alarms;
 * the alerts API manages rules and endpoints. Enrichment writes leads exactly as before and never waits for any of it.
 */
export class Alerts extends Construct {
  public readonly evaluator: NodejsFunction;
  public readonly delivery: NodejsFunction;
  public readonly api: NodejsFunction;
  public readonly deliveryQueue: sqs.Queue;
  public readonly deliveryDeadLetterQueue: sqs.Queue;
  /** Stream batches the alerts function gave up on, and failed digest runs: their positions and errors, alarmed. */
  public readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    const { table, encryptionKey, retention, settings } = props;
    if (!table.tableStreamArn) throw new Error('Alerts: the table needs its stream (lib/constructs/storage.ts)');
    const stream = FUNCTIONS.alerts.tableStream;
    const queueDefaults = { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: encryptionKey, dataKeyReuse: Duration.minutes(5), enforceSSL: true } as const;

    this.failures = new sqs.Queue(this, 'Failures', { ...queueDefaults, retentionPeriod: Duration.days(retention.dlqRetentionDays) });
    this.deliveryDeadLetterQueue = new sqs.Queue(this, 'DeliveryDeadLetterQueue', { ...queueDefaults, retentionPeriod: Duration.days(retention.dlqRetentionDays) });
    for (const queue of [this.failures, this.deliveryDeadLetterQueue]) {
      for (const rule of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
        Validations.of(queue).acknowledge({ id: rule, reason: 'This queue is itself a failure destination (dead letters of alert deliveries, or failed stream batches and digest runs); a DLQ of it would only move the problem. It is alarmed.' });
      }
    }
    this.deliveryQueue = new sqs.Queue(this, 'DeliveryQueue', {
      ...queueDefaults,
      // Retries are held back on the message itself (ChangeMessageVisibility, up to 12 h); the schedule ends after 27.5 h.
      retentionPeriod: Duration.hours(DELIVERY_QUEUE_RETENTION_HOURS),
      visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * FUNCTIONS.alertDelivery.timeoutSeconds),
      deadLetterQueue: { queue: this.deliveryDeadLetterQueue, maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT },
    });

    // A lead write is one stream record; rules per site are read once a batch. One shard-reader per shard is what
    // DynamoDB Streams allows anyway; 5 instances leave room for a table split into a few shards.
    this.evaluator = new EirleadFunction(this, 'EvaluatorFunction', {
      name: 'alerts',
      encryptionKey,
      invocation: { type: 'stream' },
      concurrency: { reserved: 5 },
      logRetentionDays: retention.logRetentionDays,
      environment: {
        TABLE_NAME: table.tableName,
        DELIVERY_QUEUE_URL: this.deliveryQueue.queueUrl,
        RETENTION: retention,
        ALERTS: settings,
        API_BASE_URL: apiBaseUrl(props.restApi),
      },
    }).function;
    grantTableAccess(this.evaluator, table, {
      items: [
        { actions: ['Query'], partitions: [PARTITIONS.alertConfig, PARTITIONS.hidden] },
        // The claim that makes a rule fire once per organisation and cool-down.
        { actions: ['PutItem'], partitions: [PARTITIONS.alertFired, PARTITIONS.alertLog, PARTITIONS.alertDigest] },
        // The lead's hourly activity item lives in the lead's partition (erased with it); LeadingKeys cannot tell it
        // from the lead item, so the grant is the lead partition's GetItem and PutItem.
        { actions: ['GetItem', 'PutItem'], partitions: [PARTITIONS.lead] },
        // A rule on the CRM status reads the lead's CRM link, which the CRM sync writes.
        { actions: ['GetItem'], partitions: [PARTITIONS.crmLink] },
      ],
    });
    grantQueueSend(this.deliveryQueue, this.evaluator);
    // The four stream actions on this table's stream only, as the DynamoDB guide's example for a stream reader.
    this.evaluator.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        resources: [table.tableStreamArn],
      }),
    );
    // Stream records are encrypted with the table's key; DynamoDB decrypts them for the reader.
    if (table.encryptionKey) grantKeyViaService(table.encryptionKey, this.evaluator, 'dynamodb', ['kms:Decrypt']);
    const onFailure: lambda.IEventSourceDlq = { bind: () => ({ destination: this.failures.queueArn }) };
    new lambda.EventSourceMapping(this, 'LeadChanges', {
      target: this.evaluator,
      eventSourceArn: table.tableStreamArn,
      startingPosition: lambda.StartingPosition.LATEST,
      batchSize: stream.batchSize,
      maxBatchingWindow: Duration.seconds(stream.maxBatchingWindowSeconds),
      filters: [{ pattern: JSON.stringify(stream.filterPattern) }],
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: stream.retryAttempts,
      // A change older than a day is no longer news to sales.
      maxRecordAge: Duration.days(1),
      onFailure,
    });
    grantQueueSend(this.failures, this.evaluator);

    this.delivery = new EirleadFunction(this, 'DeliveryFunction', {
      name: 'alertDelivery',
      encryptionKey,
      // Receivers are slow and Slack takes about a message a second per webhook: 5 instances are plenty, and a
      // flood of alerts cannot take the account's concurrency.
      invocation: { type: 'async', onFailure: this.failures, retryAttempts: 2, maxEventAge: Duration.hours(6) },
      concurrency: { reserved: 5 },
      logRetentionDays: retention.logRetentionDays,
      environment: {
        TABLE_NAME: table.tableName,
        KEY_ID: encryptionKey.keyId,
        DELIVERY_QUEUE_URL: this.deliveryQueue.queueUrl,
        SITES: [...props.sites],
        ALERTS: settings,
      },
    }).function;
    grantTableAccess(this.delivery, table, {
      items: [
        // Endpoints (read, and disabled after a 410) and, for the digests, each site's configuration.
        { actions: ['GetItem', 'Query', 'UpdateItem'], partitions: [PARTITIONS.alertConfig] },
        // The delivery log: leases and attempts; digest deliveries are created here.
        { actions: ['GetItem', 'PutItem', 'UpdateItem'], partitions: [PARTITIONS.alertLog] },
        { actions: ['Query'], partitions: [PARTITIONS.alertDigest] },
        // Slack's one message a second, kept across concurrent invocations.
        { actions: ['GetItem', 'PutItem'], partitions: [PARTITIONS.alertPacing] },
      ],
    });
    // Opens endpoint URLs and signing secrets; never seals (only the API does).
    grantKeyForPurpose(encryptionKey, this.delivery, KEY_PURPOSES.integrationSecret, ['kms:Decrypt']);
    grantQueueConsume(this.deliveryQueue, this.delivery);
    grantQueueSend(this.deliveryQueue, this.delivery);
    const deliveryMapping = this.delivery.addEventSourceMapping('Deliveries', {
      eventSourceArn: this.deliveryQueue.queueArn,
      batchSize: FUNCTIONS.alertDelivery.queueBatch.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: 5,
    });
    Validations.of(deliveryMapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: "SQS event source mappings do not support on-failure destinations; failed deliveries go to the delivery queue's dead-letter queue (alarmed).",
    });
    if (settings.emailFrom) {
      // One sender, from one address, in this region: the address's identity or its domain's, whichever is verified.
      const domain = settings.emailFrom.split('@')[1] ?? settings.emailFrom;
      this.delivery.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [settings.emailFrom, domain].map((identity) => Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
          conditions: { StringEquals: { 'ses:FromAddress': settings.emailFrom } },
        }),
      );
    }
    const digestRun: DigestRun = { run: 'daily-digest' };
    const schedule = new events.Rule(this, 'DailyDigest', {
      schedule: events.Schedule.cron({ minute: '0', hour: String(settings.digestHourUtc) }),
      targets: [new targets.LambdaFunction(this.delivery, { event: events.RuleTargetInput.fromObject(digestRun), retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
    Validations.of(schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: "EventBridge only hands the event to Lambda's asynchronous queue; a failed run goes to the function's on-failure destination (Failures, alarmed), and running the digest of a day again queues nothing twice.",
    });

    this.api = new EirleadFunction(this, 'ApiFunction', {
      name: 'alertsApi',
      encryptionKey,
      // Configuration calls, a few a day: 2 instances.
      invocation: { type: 'sync' },
      concurrency: { reserved: 2 },
      logRetentionDays: retention.logRetentionDays,
      environment: {
        TABLE_NAME: table.tableName,
        KEY_ID: encryptionKey.keyId,
        DELIVERY_QUEUE_URL: this.deliveryQueue.queueUrl,
        RETENTION: retention,
        ALERTS: settings,
        API_BASE_URL: apiBaseUrl(props.restApi),
      },
    }).function;
    grantTableAccess(this.api, table, {
      items: [
        { actions: ['GetItem', 'Query', 'PutItem', 'DeleteItem'], partitions: [PARTITIONS.alertConfig] },
        { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], partitions: [PARTITIONS.alertLog] },
        { actions: ['PutItem'], partitions: [PARTITIONS.audit] },
      ],
    });
    // Seals endpoint URLs and signing secrets; cannot open them.
    grantKeyForPurpose(encryptionKey, this.api, KEY_PURPOSES.integrationSecret, ['kms:GenerateDataKey']);
    grantQueueSend(this.deliveryQueue, this.api);
    for (const route of ROUTES.filter((candidate) => candidate.function === 'alertsApi')) {
      props.restApi.addRoute(route, this.api, props.authorizer);
    }
  }
}

/**
 * The API's base URL, built from its id rather than `restApi.url`: the URL names the deployment stage, which depends
 * on the API's methods, one of which is the alerts API itself (a cycle).
 */
function apiBaseUrl(restApi: RestApi): string {
  const stack = Stack.of(restApi);
  return `https://${restApi.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${STAGE_NAME}/`;
}
