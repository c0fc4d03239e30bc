import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type IpOverrides, NO_IP_OVERRIDES, type Retention, type Site } from '../../functions/contracts/deployment-config';
import { bindTable, EirleadFunction } from './lambda-function';

/** Where the IP data sits inside the bundle, and so at run time under /var/task. */
const IP_DATA_BUNDLE_DIR = 'ipdata';

export interface EnrichmentProps {
  /** Queue of truncated events written by the ingest function. */
  readonly queue: sqs.IQueue;
  readonly table: dynamodb.ITableV2;
  readonly retention: Retention;
  /** Sites, for their `leadClasses`. */
  readonly sites: readonly Site[];
  /**
   * Customer ranges mapped to named organisations; they win over the bundled data.
   * @default - no overrides
   */
  readonly ipOverrides?: IpOverrides;
  /**
   * Must match the `consumerTimeout` the queue's visibility timeout was derived from.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * The function loads the organisation and location data into memory; more memory also means more CPU.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Records per invocation (1–1,000; above 10 SQS needs a batching window). The function writes each lead once per
   * batch, so larger batches mean fewer DynamoDB writes when an organisation sends several page views at once.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long the poller gathers records before invoking; it adds at most this much to event-to-lead latency.
   * @default Duration.seconds(1)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Compiled IP data directory, relative to the project root (built by `npm run build:ipdata`).
   * @default 'build/ipdata'
   */
  readonly ipDataDir?: string;
}

/** Turns queued events into visits and leads: truncated IP -> organisation + location, aggregated per lead. */
export class Enrichment extends Construct {
  public static readonly DEFAULT_TIMEOUT = Duration.seconds(30);
  public readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: EnrichmentProps) {
    super(scope, id);
    const batchSize = props.batchSize ?? 100;
    const maxBatchingWindow = props.maxBatchingWindow ?? Duration.seconds(1);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
      throw new Error(`Enrichment: batchSize must be an integer from 1 to 1000, got ${batchSize}`);
    }
    if (batchSize > 10 && maxBatchingWindow.toMilliseconds() === 0) {
      throw new Error('Enrichment: a batchSize above 10 needs a maxBatchingWindow of at least 1 second');
    }

    this.function = new EirleadFunction(this, 'Function', {
      entry: 'functions/enrichment/handler.ts',
      serviceName: 'eirlead-enrichment',
      description: 'Eirlead: enriches queued events with organisation and location, aggregates visits and leads',
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Enrichment.DEFAULT_TIMEOUT,
      logRetentionDays: props.retention.logRetentionDays,
      environment: {
        IP_DATA_DIR: `/var/task/${IP_DATA_BUNDLE_DIR}`,
        RETENTION: JSON.stringify(props.retention),
        SITES: JSON.stringify(props.sites),
        IP_OVERRIDES: JSON.stringify(props.ipOverrides ?? NO_IP_OVERRIDES),
      },
      copyIntoBundle: { source: props.ipDataDir ?? 'build/ipdata', destination: IP_DATA_BUNDLE_DIR },
    }).function;

    bindTable(this.function, props.table, 'readWrite');
    this.function.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize,
        maxBatchingWindow,
        // One bad record is retried (and eventually dead-lettered) alone, not with its whole batch.
        reportBatchItemFailures: true,
      }),
    );

    const mapping = this.function.node.children.find((child) => child instanceof lambda.EventSourceMapping);
    if (!mapping) throw new Error('Enrichment: the SQS event source mapping was not created');
    Validations.of(mapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings do not support on-failure destinations; failed records go to the queue\'s dead-letter queue through its redrive policy.',
    });
  }
}
