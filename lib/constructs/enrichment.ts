import { Duration, Names, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type BehaviourLimits,
  DEFAULT_BEHAVIOUR_LIMITS,
  type IpOverrides,
  NO_IP_OVERRIDES,
  type Retention,
  type Site,
} from '../../functions/contracts/deployment-config';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { grantQueueConsume } from './key-access';
import { bundledDataPath, EirleadFunction } from './lambda-function';
import { grantTableAccess, PARTITIONS } from './table-access';

export interface EnrichmentProps {
  /** Queue of truncated events written by the ingest function. */
  readonly queue: sqs.IQueue;
  readonly table: dynamodb.ITableV2;
  /** The project key: encrypts the function's log group. */
  readonly encryptionKey: kms.IKey;
  readonly retention: Retention;
  /** Sites, for their `leadClasses`. */
  readonly sites: readonly Site[];
  /**
   * Customer ranges mapped to named organisations; they win over the bundled data.
   * @default - no overrides
   */
  readonly ipOverrides?: IpOverrides;
  /**
   * Behaviour limits: bot signals and the daily quota of typed domains per network.
   * @default DEFAULT_BEHAVIOUR_LIMITS
   */
  readonly limits?: BehaviourLimits;
  /**
   * How long the queue's event source mapping gathers a batch (the `enrichment` context: writes against latency).
   * @default FUNCTIONS.enrichment.queueBatch.maxBatchingWindowSeconds
   */
  readonly batchingWindowSeconds?: number;
}

/**
 * At most this many batches at once (the mapping's maximum concurrency, and the function's reserved concurrency).
 * A 100-record batch takes well under a second, so 10 batches keep up with 1,000 queued requests a second, ten
 * times the API's default stage limit; a backlog then drains at that rate instead of taking up to 1,000 instances
 * of the account's concurrency, which ingest needs. More concurrency would also mean more version conflicts on busy
 * leads (each lost race is a re-read and re-apply).
 */
const MAX_CONCURRENT_BATCHES = 10;

/** Turns queued events into visits and leads: truncated IP -> organisation + location, aggregated per lead. */
export class Enrichment extends Construct {
  /** The function's timeout (function table); the queue's visibility timeout is derived from it. */
  public static readonly TIMEOUT = Duration.seconds(FUNCTIONS.enrichment.timeoutSeconds);
  public readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: EnrichmentProps) {
    super(scope, id);
    const { batchSize, maxBatchingWindowSeconds } = FUNCTIONS.enrichment.queueBatch;
    const maxBatchingWindow = Duration.seconds(props.batchingWindowSeconds ?? maxBatchingWindowSeconds);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
      throw new Error(`Enrichment: batchSize must be an integer from 1 to 1000, got ${batchSize}`);
    }
    if (batchSize > 10 && maxBatchingWindow.toMilliseconds() === 0) {
      throw new Error('Enrichment: a batchSize above 10 needs a maxBatchingWindow of at least 1 second');
    }

    this.function = new EirleadFunction(this, 'Function', {
      name: 'enrichment',
      encryptionKey: props.encryptionKey,
      // Equal to the mapping's maximum concurrency: the SQS pollers never start more than the function may run, so
      // no batch is throttled back into the queue (AWS advises a maximum concurrency no higher than the reserved).
      invocation: { type: 'queue' },
      concurrency: { reserved: MAX_CONCURRENT_BATCHES },
      logRetentionDays: props.retention.logRetentionDays,
      environment: {
        TABLE_NAME: props.table.tableName,
        IP_DATA_DIR: bundledDataPath('enrichment'),
        SITES: [...props.sites],
        IP_OVERRIDES: props.ipOverrides ?? NO_IP_OVERRIDES,
        RETENTION: props.retention,
        LIMITS: props.limits ?? DEFAULT_BEHAVIOUR_LIMITS,
      },
    }).function;

    // Leads and visit parts: read the lead, put it (version-guarded), batch-write its visit parts, and query a lead's
    // partition; read the site's hidden organisations; count typed domains per network and day. No salts, keys or
    // audit records, and no index.
    grantTableAccess(this.function, props.table, {
      items: [
        { actions: ['GetItem', 'PutItem', 'BatchWriteItem', 'Query'], partitions: [PARTITIONS.lead] },
        { actions: ['Query'], partitions: [PARTITIONS.hidden] },
        { actions: ['UpdateItem'], partitions: [PARTITIONS.formQuota] },
      ],
    });

    // The mapping SqsEventSource would make, under the id it gives it (so its logical id stays as deployed), but
    // without its `grantConsumeMessages`, which grants the queue key's Decrypt for any use: it is granted here
    // bound to SQS.
    const mapping = this.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(props.queue.node)}`, {
      eventSourceArn: props.queue.queueArn,
      batchSize,
      maxBatchingWindow,
      // One bad record is retried (and eventually dead-lettered) alone, not with its whole batch.
      reportBatchItemFailures: true,
      // Limits the pollers themselves; reserved concurrency alone would let them receive more batches than the
      // function may run, and each throttled batch would count a receive towards the dead-letter queue.
      maxConcurrency: MAX_CONCURRENT_BATCHES,
    });
    grantQueueConsume(props.queue, this.function);
    Validations.of(mapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings do not support on-failure destinations; failed records go to the queue\'s dead-letter queue through its redrive policy.',
    });
  }
}
