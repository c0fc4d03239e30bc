import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from './emulators';
import { invoke, type LocalFunction } from './lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsPollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly fn: LocalFunction;
  readonly handler: SqsHandler;
  /** One line per batch or error; never message bodies. */
  readonly log: (line: string) => void;
  /**
   * Records per invocation, gathered from several receives of at most 10 (as Lambda's poller does when a batching
   * window is set). @default 100, the event source mapping's batch size
   */
  readonly batchSize?: number;
  /** @default 1 */
  readonly waitTimeSeconds?: number;
  /** Batches in flight at once, like Lambda's concurrent pollers. @default 2 */
  readonly concurrency?: number;
  /**
   * Gather a batch for up to this long after its first message, as the event source mapping's
   * MaximumBatchingWindowInSeconds does. @default undefined: invoke as soon as the queue has nothing more at once,
   * which keeps local feedback fast
   */
  readonly batchingWindowSeconds?: number;
}

export interface PollOutcome {
  readonly received: number;
  readonly deleted: number;
  readonly failed: number;
}

/**
 * What Lambda's SQS event source mapping does: long-poll, invoke the function with a batch, delete what
 * succeeded, and leave failures to reappear after the visibility timeout (and reach the DLQ after
 * maxReceiveCount receives).
 */
export class SqsPoller {
  private running = false;
  /** Set by stop(): a batch being gathered ends early (pollOnce also runs without start(), in tests). */
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly receiving = new Set<AbortController>();
  private readonly batchSize: number;
  private readonly waitTimeSeconds: number;
  private readonly concurrency: number;

  constructor(private readonly options: SqsPollerOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.waitTimeSeconds = options.waitTimeSeconds ?? 1;
    this.concurrency = options.concurrency ?? 2;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.concurrency }, () => this.run());
  }

  /** Stops polling; batches already received are processed and acknowledged before this resolves. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    for (const controller of this.receiving) controller.abort();
    await Promise.all(this.loops);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        if (!this.running) break;
        this.options.log(`sqs-poller: ${describeError(error)}; retrying in 1 s`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /** One receive-invoke-delete cycle. Public so tests can drive the poller step by step. */
  async pollOnce(): Promise<PollOutcome> {
    const messages = await this.receive();
    if (messages.length === 0) return { received: 0, deleted: 0, failed: 0 };
    const records = messages.map((message) => this.toRecord(message));
    const failedIds = await this.invokeHandler(records);
    const succeeded = records.filter((record) => !failedIds.has(record.messageId));
    await this.deleteMessages(succeeded);
    const outcome = { received: records.length, deleted: succeeded.length, failed: failedIds.size };
    if (outcome.failed > 0) {
      this.options.log(`sqs-poller: ${outcome.failed} of ${outcome.received} messages failed; they will be retried`);
    }
    return outcome;
  }

  /** A long poll for the first messages, then short polls while the queue has more and the batch has room. */
  private async receive(): Promise<Message[]> {
    if (this.options.batchingWindowSeconds !== undefined) {
      // SQS answers a long poll as soon as a message is there; the emulator only when it has as many as asked for.
      const first = await this.receiveUpTo(1, this.waitTimeSeconds);
      return first.length > 0 ? this.gather(first, this.options.batchingWindowSeconds * 1000) : first;
    }
    const batch = await this.receiveUpTo(Math.min(10, this.batchSize), this.waitTimeSeconds);
    while (batch.length > 0 && batch.length < this.batchSize && this.running) {
      const more = await this.receiveUpTo(Math.min(10, this.batchSize - batch.length), 0);
      if (more.length === 0) break;
      batch.push(...more);
    }
    return batch;
  }

  /** More messages until the batch is full or the window since its first message has passed. */
  private async gather(batch: Message[], windowMs: number): Promise<Message[]> {
    const deadline = Date.now() + windowMs;
    while (batch.length < this.batchSize && !this.stopped) {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) break;
      // Long polls return as soon as a message arrives; the last fraction of a second is waited out, then polled once.
      const waitSeconds = Math.min(20, Math.floor(remainingMs / 1000));
      if (waitSeconds === 0) await new Promise((resolve) => setTimeout(resolve, remainingMs));
      const more = await this.receiveUpTo(Math.min(10, this.batchSize - batch.length), waitSeconds);
      batch.push(...more);
      if (waitSeconds === 0 && more.length < 10) break;
    }
    return batch;
  }

  private async receiveUpTo(maxMessages: number, waitTimeSeconds: number): Promise<Message[]> {
    const controller = new AbortController();
    this.receiving.add(controller);
    try {
      const { Messages } = await this.options.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: maxMessages,
          WaitTimeSeconds: waitTimeSeconds,
          // local-aws-sqs honours this older parameter, not MessageSystemAttributeNames.
          AttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: controller.signal },
      );
      return Messages ?? [];
    } catch (error) {
      if (!this.running && isAbort(error)) return [];
      throw error;
    } finally {
      this.receiving.delete(controller);
    }
  }

  private toRecord(message: Message): SQSRecord {
    const { MessageId, ReceiptHandle, Body, MD5OfBody } = message;
    if (!MessageId || !ReceiptHandle || Body === undefined || !MD5OfBody) {
      throw new Error('ReceiveMessage returned a message without id, receipt handle, body or MD5');
    }
    const attributes: Record<string, string | undefined> = { ...message.Attributes };
    const requiredAttribute = (name: string): string => {
      const value = attributes[name];
      if (value === undefined) throw new Error(`ReceiveMessage returned a message without the ${name} attribute`);
      return value;
    };
    const messageAttributes: SQSMessageAttributes = {};
    for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
      // Lambda hands attributes over with lower-camel-case names and binary values as base64.
      messageAttributes[name] = {
        dataType: value.DataType ?? 'String',
        ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
        ...(value.BinaryValue !== undefined && { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
        stringListValues: value.StringListValues ?? [],
        binaryListValues: (value.BinaryListValues ?? []).map((bytes) => Buffer.from(bytes).toString('base64')),
      };
    }
    return {
      messageId: MessageId,
      receiptHandle: ReceiptHandle,
      body: Body,
      attributes: {
        ...attributes,
        ApproximateReceiveCount: requiredAttribute('ApproximateReceiveCount'),
        SentTimestamp: requiredAttribute('SentTimestamp'),
        SenderId: requiredAttribute('SenderId'),
        ApproximateFirstReceiveTimestamp: requiredAttribute('ApproximateFirstReceiveTimestamp'),
      },
      messageAttributes,
      md5OfBody: MD5OfBody,
      ...(message.MD5OfMessageAttributes !== undefined && { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: LOCAL_REGION,
    };
  }

  /** The ids of the records to retry. */
  private async invokeHandler(records: SQSRecord[]): Promise<Set<string>> {
    const all = new Set(records.map((record) => record.messageId));
    let response: SQSBatchResponse | void;
    try {
      response = await invoke(this.options.fn, this.options.handler, { Records: records });
    } catch (error) {
      this.options.log(`sqs-poller: ${this.options.fn.name} failed the whole batch: ${describeError(error)}`);
      return all;
    }
    const failures = response?.batchItemFailures ?? [];
    const failed = new Set<string>();
    for (const failure of failures) {
      // Lambda treats an identifier that names no record of the batch as a failure of the whole batch.
      if (typeof failure.itemIdentifier !== 'string' || !all.has(failure.itemIdentifier)) {
        this.options.log(`sqs-poller: ${this.options.fn.name} reported an unknown itemIdentifier; retrying the batch`);
        return all;
      }
      failed.add(failure.itemIdentifier);
    }
    return failed;
  }

  private async deleteMessages(records: SQSRecord[]): Promise<void> {
    // DeleteMessageBatch takes at most 10 entries.
    for (let start = 0; start < records.length; start += 10) {
      const { Failed } = await this.options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: records.slice(start, start + 10).map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      if (Failed && Failed.length > 0) {
        this.options.log(`sqs-poller: ${Failed.length} processed messages could not be deleted and will be redelivered`);
      }
    }
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** Name and message only: a stack or an SDK error body adds noise and could carry data to the console. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
