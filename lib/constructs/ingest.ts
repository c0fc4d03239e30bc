import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type IpOverrides, NO_IP_OVERRIDES, type Retention, type Site } from '../../functions/contracts/deployment-config';
import { MAX_RECEIVE_COUNT } from '../../functions/contracts/names';
import { KEY_PURPOSES } from '../../functions/contracts/names';
import { grantKeyForPurpose, grantQueueSend } from './key-access';
import { EirleadFunction } from './lambda-function';
import { grantTableAccess, PARTITIONS } from './table-access';

/** AWS guidance for Lambda SQS sources: visibility timeout at least six times the function timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Lambda's limit for all environment variables together is 4 KB; leave room for the others. */
const MAX_SITES_ENV_BYTES = 3 * 1024;

export interface IngestProps {
  /** Project key: encrypts the queues and wraps the daily pseudonym salts. */
  readonly encryptionKey: kms.IKey;
  /** Table holding the encrypted daily salts. */
  readonly table: dynamodb.ITableV2;
  readonly sites: readonly Site[];
  /**
   * Customer ranges; the ingest function drops visitors from `ignore` ranges before queueing.
   * @default - no overrides
   */
  readonly ipOverrides?: IpOverrides;
  readonly retention: Retention;
  /**
   * Timeout of the function that consumes the queue; the visibility timeout is set to six times it plus the
   * batching window, so a message is not handed out again while a retried batch is still running.
   */
  readonly consumerTimeout: Duration;
  /**
   * Batching window of the consumer.
   * @default Duration.seconds(1)
   */
  readonly consumerBatchingWindow?: Duration;
  /**
   * Reserved concurrency of the function: the cap on its requests when a function URL serves it, which no API
   * Gateway stage throttles.
   * @default - none: the function draws on the account's unreserved pool, its rate bounded by the API stage throttle
   */
  readonly reservedConcurrency?: number;
}

/**
 * The public edge of the pipeline: the ingest function (validate, pseudonymise, truncate the IP) and the
 * queue it hands truncated events to. The full IP never leaves the function.
 */
export class Ingest extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const sitesJson = JSON.stringify(props.sites);
    const overridesJson = JSON.stringify(props.ipOverrides ?? NO_IP_OVERRIDES);
    const configBytes = Buffer.byteLength(sitesJson) + Buffer.byteLength(overridesJson);
    if (configBytes > MAX_SITES_ENV_BYTES) {
      throw new Error(
        `Ingest: the sites and ipOverrides configuration is ${configBytes} bytes as JSON; Lambda environment variables allow at most ${MAX_SITES_ENV_BYTES} here`,
      );
    }
    const visibilityTimeout = Duration.seconds(
      VISIBILITY_TIMEOUT_FACTOR * props.consumerTimeout.toSeconds() +
        (props.consumerBatchingWindow ?? Duration.seconds(1)).toSeconds(),
    );
    if (visibilityTimeout.toSeconds() > Duration.hours(12).toSeconds()) {
      throw new Error('Ingest: consumerTimeout is too long; six times it must fit in the 12-hour SQS visibility timeout');
    }

    const queueDefaults = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      // Reuse the data key for 5 minutes instead of calling KMS for every message.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
    } as const;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...queueDefaults,
      retentionPeriod: Duration.days(props.retention.dlqRetentionDays),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...queueDefaults,
      retentionPeriod: Duration.hours(props.retention.queueRetentionHours),
      visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    const fn = new EirleadFunction(this, 'Function', {
      name: 'ingest',
      encryptionKey: props.encryptionKey,
      invocation: { type: 'sync' },
      concurrency:
        props.reservedConcurrency === undefined
          ? {
              unreserved:
                'Ingest is the public entry point: a cap would turn page views into 429s exactly when a customer site is busiest. Its rate is bounded by the API stage throttle instead, and the other five functions hold small reserved concurrency, which caps them, so they can never take the account pool ingest draws on.',
            }
          : { reserved: props.reservedConcurrency },
      logRetentionDays: props.retention.logRetentionDays,
      environment: {
        QUEUE_URL: this.queue.queueUrl,
        TABLE_NAME: props.table.tableName,
        KEY_ID: props.encryptionKey.keyId,
        SITES: [...props.sites],
        IP_OVERRIDES: props.ipOverrides ?? NO_IP_OVERRIDES,
        RETENTION: props.retention,
      },
    }).function;
    this.function = fn;

    grantQueueSend(this.queue, fn);
    // Daily salts: a fresh data key per UTC day, and unwrapping it on cold start; for that purpose only.
    grantKeyForPurpose(props.encryptionKey, fn, KEY_PURPOSES.dailySalt, ['kms:GenerateDataKey', 'kms:Decrypt']);
    // Daily salts are only read and created; ingest never deletes, and touches no other partition.
    grantTableAccess(fn, props.table, { items: [{ actions: ['GetItem', 'PutItem'], partitions: [PARTITIONS.salt] }] });

    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is the dead-letter queue of the ingest queue; a DLQ of a DLQ would only move the problem.',
    });
  }
}
