import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_REGION } from './emulators';
import { matchesFilter } from './event-filter';
import { invoke, type LocalFunction } from './lambda';
import { describeError } from './sqs-poller';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly fn: LocalFunction;
  readonly handler: StreamHandler;
  /** The event source mapping's filter (functions/contracts/functions.ts `tableStream.filterPattern`). */
  readonly filterPattern: Readonly<Record<string, unknown>>;
  readonly batchSize: number;
  /** As the mapping's `retryAttempts`: a batch failing this often is given up (and logged, as the on-failure destination would hold it). */
  readonly retryAttempts: number;
  readonly log: (line: string) => void;
  /** @default 200 */
  readonly pollIntervalMs?: number;
}

/**
 * What Lambda's DynamoDB Streams event source mapping does, on DynamoDB Local: read every shard in order, keep the
 * records the filter admits, invoke the function with batches in Lambda's record shape, and on a reported failure
 * retry from the failed record (`batchItemFailures`, as with ReportBatchItemFailures), giving up after
 * `retryAttempts`. Shards open at start are read from their latest record (a restarted runtime does not alert on
 * old changes); shards that appear later are read from their start.
 */
export class StreamPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly iterators = new Map<string, string | undefined>();
  private readonly finished = new Set<string>();
  private started = false;

  constructor(private readonly options: StreamPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const interval = this.options.pollIntervalMs ?? 200;
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        if (!this.running) break;
        this.options.log(`stream-poller: ${describeError(error)}; retrying`);
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  /** One pass over every shard. Public so tests can drive the poller step by step. */
  async pollOnce(): Promise<number> {
    await this.discoverShards();
    let delivered = 0;
    for (const [shardId, iterator] of this.iterators) {
      if (!iterator) continue;
      const { Records, NextShardIterator } = await this.options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const admitted = (Records ?? []).map(toLambdaRecord).filter((record) => matchesFilter(this.options.filterPattern, record));
      for (let start = 0; start < admitted.length; start += this.options.batchSize) {
        await this.deliver(admitted.slice(start, start + this.options.batchSize));
      }
      delivered += admitted.length;
      this.iterators.set(shardId, NextShardIterator);
      if (!NextShardIterator) this.finished.add(shardId);
    }
    return delivered;
  }

  private async discoverShards(): Promise<void> {
    const { StreamDescription } = await this.options.client.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId || this.iterators.has(shardId) || this.finished.has(shardId)) continue;
      // Closed before this runtime started: nothing in it is news.
      if (!this.started && shard.SequenceNumberRange?.EndingSequenceNumber) {
        this.finished.add(shardId);
        continue;
      }
      const { ShardIterator } = await this.options.client.send(
        new GetShardIteratorCommand({ StreamArn: this.options.streamArn, ShardId: shardId, ShardIteratorType: this.started ? 'TRIM_HORIZON' : 'LATEST' }),
      );
      this.iterators.set(shardId, ShardIterator);
    }
    this.started = true;
  }

  private async deliver(batch: DynamoDBRecord[]): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      let failedAt: string | undefined;
      try {
        const response = await invoke(this.options.fn, this.options.handler, { Records: pending });
        failedAt = response?.batchItemFailures?.[0]?.itemIdentifier;
      } catch (error) {
        this.options.log(`stream-poller: ${this.options.fn.name} failed the batch: ${describeError(error)}`);
        failedAt = pending[0]?.dynamodb?.SequenceNumber;
      }
      if (failedAt === undefined) return;
      const from = pending.findIndex((record) => record.dynamodb?.SequenceNumber === failedAt);
      pending = from < 0 ? pending : pending.slice(from);
      if (attempt >= this.options.retryAttempts) {
        this.options.log(`stream-poller: gave up ${pending.length} records of ${this.options.fn.name} after ${attempt + 1} attempts`);
        return;
      }
    }
  }
}

/** A DynamoDB Streams record as Lambda hands it over (epoch seconds, plain attribute values). */
function toLambdaRecord(record: StreamRecord): DynamoDBRecord {
  const data = record.dynamodb;
  const created = data?.ApproximateCreationDateTime;
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    dynamodb: {
      ...(data?.Keys ? { Keys: data.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'] } : {}),
      ...(data?.NewImage ? { NewImage: data.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] } : {}),
      ...(data?.OldImage ? { OldImage: data.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'] } : {}),
      ...(data?.SequenceNumber ? { SequenceNumber: data.SequenceNumber } : {}),
      ...(data?.SizeBytes !== undefined ? { SizeBytes: data.SizeBytes } : {}),
      ...(data?.StreamViewType ? { StreamViewType: data.StreamViewType } : {}),
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
    },
  } as DynamoDBRecord;
}
