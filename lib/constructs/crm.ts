import { Duration, Names, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { CrmScheduleEvent } from '../../functions/contracts/crm-job';
import { type CrmConfig, crmRuntimeOf, type Retention, type Site } from '../../functions/contracts/deployment-config';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { KEY_PURPOSES, MAX_RECEIVE_COUNT } from '../../functions/contracts/names';
import { ROUTES } from '../../functions/contracts/routes';
import { keys, LEADS_BY_LAST_SEEN_INDEX } from '../../functions/contracts/table';
import { grantKeyForPurpose, grantQueueConsume, grantQueueSend } from './key-access';
import { EirleadFunction } from './lambda-function';
import type { RestApi } from './rest-api';
import { grantTableAccess, INDEX_PARTITIONS, PARTITIONS } from './table-access';

export interface CrmProps {
  readonly restApi: RestApi;
  /** The API-key authoriser the CRM routes share with the leads API. */
  readonly authorizer: apigateway.IAuthorizer;
  readonly table: dynamodb.ITableV2;
  /** The project key: the table, the jobs queue, the log groups, and the sealed CRM credentials (by purpose). */
  readonly encryptionKey: kms.IKey;
  readonly retention: Retention;
  readonly sites: readonly Site[];
  readonly crm: CrmConfig;
}

/** Everything of a site's CRM connection (functions/contracts/table.ts): the connection, the links, the copy. */
const CRM_PARTITIONS = [keys.crmPartition('*'), PARTITIONS.crmLink, keys.crmAccountPartition('*', 0).replace(/#0$/, '#*')];
/** The CRM data is written in transactions that check the connection (functions/adapters/dynamodb/crm-guard.ts). */
const CRM_ACTIONS = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'] as const;

/**
 * The CRM integration (docs/crm.md): the CRM API on the REST API (connections, sync now, status, pushes, links),
 * the sync function that copies CRM accounts and matches leads, the CRM jobs queue between them, and the daily and
 * hourly schedules in the stack's region. Credentials are sealed under the project key for their own purpose.
 */
export class Crm extends Construct {
  public readonly apiFunction: NodejsFunction;
  public readonly syncFunction: NodejsFunction;
  public readonly jobsQueue: sqs.Queue;
  /** Jobs that failed five times, and schedule fan-outs that failed after Lambda's retries: alarmed. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: CrmProps) {
    super(scope, id);
    const { table, encryptionKey: key, retention } = props;
    const runtime = crmRuntimeOf(props.crm);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(retention.dlqRetentionDays),
    });
    for (const ruleId of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(this.deadLetterQueue).acknowledge({ id: ruleId, reason: 'This is the CRM jobs queue\'s dead-letter queue (and the sync\'s on-failure destination); a DLQ of it would only move the problem. Alarmed.' });
    }
    this.jobsQueue = new sqs.Queue(this, 'JobsQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      // Six times the sync's timeout, as AWS advises for a queue feeding a function, so a job is never handed out
      // twice while it runs.
      visibilityTimeout: Duration.seconds(FUNCTIONS.crmSync.timeoutSeconds * 6),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.apiFunction = new EirleadFunction(this, 'ApiFunction', {
      name: 'crmApi',
      encryptionKey: key,
      invocation: { type: 'sync' },
      // A few calls a day per site (connect, push, status); 5 instances keep a runaway integration from the
      // account's concurrency, and bound how hard Eirlead can press on a customer's CRM.
      concurrency: { reserved: 5 },
      logRetentionDays: retention.logRetentionDays,
      environment: { TABLE_NAME: table.tableName, KEY_ID: key.keyId, RETENTION: retention, CRM: runtime, CRM_JOBS_QUEUE_URL: this.jobsQueue.queueUrl },
    }).function;
    grantTableAccess(this.apiFunction, table, {
      items: [
        { actions: CRM_ACTIONS, partitions: CRM_PARTITIONS },
        // A push reads the lead and its visit parts; a link checks the lead exists. Never writes a lead.
        { actions: ['GetItem', 'Query'], partitions: [PARTITIONS.lead] },
        // The audit record of every privileged act, the disconnect's deletion receipt among them.
        { actions: ['PutItem'], partitions: [keys.auditPartition('*')] },
      ],
    });
    // Seals credentials when connecting and rotating, opens them to call the CRM: this purpose only.
    grantKeyForPurpose(key, this.apiFunction, KEY_PURPOSES.integrationSecret, ['kms:GenerateDataKey', 'kms:Decrypt']);
    grantQueueSend(this.jobsQueue, this.apiFunction);
    for (const route of ROUTES.filter((candidate) => candidate.function === 'crmApi')) props.restApi.addRoute(route, this.apiFunction, props.authorizer);

    this.syncFunction = new EirleadFunction(this, 'SyncFunction', {
      name: 'crmSync',
      encryptionKey: key,
      // Schedule fan-outs arrive asynchronously (EventBridge), jobs from the queue (whose DLQ is the same queue as
      // the on-failure destination here): every failure ends in one alarmed place.
      invocation: { type: 'async', onFailure: this.deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.hours(1) },
      // Two syncs at a time: each runs for minutes against one CRM; more would only queue on the CRMs' rate limits.
      concurrency: { reserved: 2 },
      logRetentionDays: retention.logRetentionDays,
      environment: {
        TABLE_NAME: table.tableName,
        KEY_ID: key.keyId,
        RETENTION: retention,
        CRM: runtime,
        CRM_JOBS_QUEUE_URL: this.jobsQueue.queueUrl,
        SITES: [...props.sites],
      },
    }).function;
    grantTableAccess(this.syncFunction, table, {
      items: [
        { actions: CRM_ACTIONS, partitions: CRM_PARTITIONS },
        // The auto-push rule reads a lead and its visit parts to push them; never writes a lead.
        { actions: ['GetItem', 'Query'], partitions: [PARTITIONS.lead] },
      ],
      // Matching reads each site's leads, a page at a time, from the lead index.
      indexQuery: { indexName: LEADS_BY_LAST_SEEN_INDEX, partitions: [INDEX_PARTITIONS.siteLeads] },
    });
    // Opens credentials only; the sync never seals new ones.
    grantKeyForPurpose(key, this.syncFunction, KEY_PURPOSES.integrationSecret, ['kms:Decrypt']);
    grantQueueSend(this.jobsQueue, this.syncFunction);
    grantQueueConsume(this.jobsQueue, this.syncFunction);
    const mapping = this.syncFunction.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(this.jobsQueue.node)}`, {
      eventSourceArn: this.jobsQueue.queueArn,
      batchSize: FUNCTIONS.crmSync.queueBatch.batchSize,
      maxBatchingWindow: Duration.seconds(FUNCTIONS.crmSync.queueBatch.maxBatchingWindowSeconds),
      reportBatchItemFailures: true,
      // As many pollers as the function may run: a throttled batch would count a receive towards the DLQ.
      maxConcurrency: 2,
    });
    Validations.of(mapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'SQS event source mappings do not support on-failure destinations; failed jobs go to the queue\'s dead-letter queue through its redrive policy.',
    });

    const schedule = (ruleId: string, expression: string, task: CrmScheduleEvent['task']) => {
      const rule = new events.Rule(this, ruleId, {
        schedule: events.Schedule.expression(expression),
        targets: [new targets.LambdaFunction(this.syncFunction, { event: events.RuleTargetInput.fromObject({ task } satisfies CrmScheduleEvent), retryAttempts: 2, maxEventAge: Duration.hours(1) })],
      });
      Validations.of(rule).acknowledge({
        id: 'Serverless-EventBusDLQ',
        reason: 'EventBridge only hands the event to Lambda\'s asynchronous queue; failed fan-outs go to the function\'s on-failure destination (the CRM dead-letter queue, alarmed). An event not handed over at all is redone by the next run of the schedule.',
      });
    };
    schedule('SyncSchedule', props.crm.syncSchedule, 'sync');
    schedule('MatchSchedule', props.crm.matchSchedule, 'match');
  }
}
