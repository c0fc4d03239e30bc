import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { DELIVERY_MAX_RECEIVE_COUNT, DELIVERY_QUEUE_RETENTION_HOURS } from '../functions/contracts/alert-message';
import { EXPORT_RETENTION_HOURS } from '../functions/contracts/api/exports';
import { DEFAULT_RETENTION } from '../functions/contracts/deployment-config';
import { FUNCTIONS } from '../functions/contracts/functions';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators';
import { type LocalHandlers, localFunction } from './functions';
import type { LocalInfrastructure } from './infrastructure';
import { invoke } from './lambda';
import { ensureQueues, type Queues } from './resources';
import { describeError, SqsPoller } from './sqs-poller';
import { StreamPoller } from './stream-poller';

/**
 * What starts the functions that no request starts, as on AWS: the event source mappings (the events, alert delivery
 * and CRM jobs queues, the table's stream) and the EventBridge schedules (salt cleanup, export expiry, CRM syncs).
 */

/** As the daily CRM schedule does on AWS (`crm.syncSchedule`). */
const CRM_SYNC_INTERVAL_MS = 24 * 3_600_000;
/** Longer than the sync function may run (FUNCTIONS.crmSync), so a running job is not handed out twice. */
const CRM_JOBS_VISIBILITY_SECONDS = FUNCTIONS.crmSync.timeoutSeconds + 30;
/** As the hourly schedule does on AWS (lib/constructs/salt-cleanup.ts). */
const SALT_CLEANUP_INTERVAL_MS = 3_600_000;

export interface RuntimeQueues {
  /** The events queue and its DLQ. */
  readonly queues: Queues;
  /** The alert delivery queue and its DLQ. */
  readonly deliveryQueues: Queues;
  /** The CRM jobs queue (sync now, scheduled syncs, continuations) and its DLQ. */
  readonly crmQueues: Queues;
}

/** The three queues with their DLQs, named after the events queue, as lib/constructs makes them. */
export async function ensureRuntimeQueues(
  sqs: SQSClient,
  names: { readonly queueName: string; readonly deadLetterQueueName: string },
  visibilityTimeoutSeconds: number | undefined,
): Promise<RuntimeQueues> {
  const [queues, deliveryQueues, crmQueues] = await Promise.all([
    ensureQueues(sqs, names, DEFAULT_RETENTION, visibilityTimeoutSeconds),
    ensureQueues(
      sqs,
      { queueName: `${names.queueName}-alerts`, deadLetterQueueName: `${names.queueName}-alerts-dlq` },
      DEFAULT_RETENTION,
      visibilityTimeoutSeconds,
      { maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT, retentionSeconds: DELIVERY_QUEUE_RETENTION_HOURS * 3_600 },
    ),
    // A sync job runs for minutes: hidden for longer than the function may run, as on AWS.
    ensureQueues(
      sqs,
      { queueName: `${names.queueName}-crm-jobs`, deadLetterQueueName: `${names.queueName}-crm-jobs-dlq` },
      DEFAULT_RETENTION,
      CRM_JOBS_VISIBILITY_SECONDS,
    ),
  ]);
  return { queues, deliveryQueues, crmQueues };
}

/**
 * Lambda's SQS event source mapping as the benchmark models it: five pollers at first ("Lambda starts processing
 * five batches at a time"), each long-polling for 20 s and gathering a batch for the batching window after its
 * first message.
 * @see FUNCTIONS.enrichment.queueBatch
 */
export interface LambdaBatching {
  readonly pollers: number;
  readonly windowSeconds: number;
}

export const LAMBDA_POLLERS = 5;
const LAMBDA_LONG_POLL_SECONDS = 20;

export interface EventSourceOptions {
  readonly sqs: SQSClient;
  readonly dynamoDbEndpoint: string;
  readonly streamArn: string;
  readonly queues: RuntimeQueues;
  readonly handlers: LocalHandlers;
  readonly infrastructure: LocalInfrastructure;
  /** @default 24 hours */
  readonly crmSyncEveryMs?: number | undefined;
  /** Poll the enrichment queue as Lambda's event source mapping does (LocalRuntimeOptions.lambdaBatching). */
  readonly lambdaBatching?: LambdaBatching | undefined;
  readonly log: (line: string) => void;
}

export interface EventSources {
  /** What the daily (`sync`) or hourly (`match`) CRM schedule does on AWS, now. */
  runCrmSchedule(task: 'sync' | 'match'): Promise<void>;
  /** Stops the schedules, then lets each poller finish its batch. */
  stop(): Promise<void>;
}

/** Starts the pollers and schedules; the first salt cleanup and export sweep have run when it resolves. */
export async function startEventSources(options: EventSourceOptions): Promise<EventSources> {
  const { sqs, queues, handlers, log } = options;
  const stops: Array<() => Promise<void>> = [];
  const pollQueue = (queue: Queues, name: 'enrichment' | 'alertDelivery' | 'crmSync', concurrency?: number, batchingWindowSeconds?: number) => {
    const poller = new SqsPoller({
      client: sqs,
      queueUrl: queue.queueUrl,
      queueArn: queue.queueArn,
      fn: localFunction(name),
      handler: async (event, context) => (await handlers[name](event, context)) as SQSBatchResponse,
      batchSize: FUNCTIONS[name].queueBatch.batchSize,
      ...(concurrency ? { concurrency } : {}),
      ...(batchingWindowSeconds !== undefined ? { batchingWindowSeconds, waitTimeSeconds: LAMBDA_LONG_POLL_SECONDS } : {}),
      log,
    });
    poller.start();
    stops.push(() => poller.stop());
  };
  const { lambdaBatching } = options;
  if (lambdaBatching) pollQueue(queues.queues, 'enrichment', lambdaBatching.pollers, lambdaBatching.windowSeconds);
  else pollQueue(queues.queues, 'enrichment');
  // Under the benchmark, as Lambda's mappings poll them: an idle queue is long-polled for 20 s at a time (which the
  // fixed costs count), not every second, whose empty receives would be billed to the page views of the run.
  const asLambdaPolls = lambdaBatching ? 0 : undefined;
  pollQueue(queues.deliveryQueues, 'alertDelivery', 1, asLambdaPolls);
  pollQueue(queues.crmQueues, 'crmSync', 1, asLambdaPolls);

  // Alerts as on AWS: the table's stream → the alerts function → the delivery queue → the delivery function.
  const streams = new DynamoDBStreamsClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: options.dynamoDbEndpoint });
  const { tableStream } = FUNCTIONS.alerts;
  const streamPoller = new StreamPoller({
    client: streams,
    streamArn: options.streamArn,
    fn: localFunction('alerts'),
    handler: handlers.alerts,
    filterPattern: tableStream.filterPattern,
    batchSize: tableStream.batchSize,
    retryAttempts: tableStream.retryAttempts,
    log,
  });
  streamPoller.start();
  stops.push(async () => {
    await streamPoller.stop();
    streams.destroy();
  });

  const runCrmSchedule = async (task: 'sync' | 'match'): Promise<void> => {
    await invoke(localFunction('crmSync'), handlers.crmSync, { task });
  };
  // As the hourly schedule does on AWS: a persisted data directory may hold salts whose time is up.
  const destroySalts = () =>
    handlers.saltCleanup().then(
      ({ destroyed }) => destroyed.length > 0 && log(`salt cleanup: destroyed the salts of ${destroyed.join(', ')}`),
      (error: unknown) => log(`salt cleanup failed: ${describeError(error)}`),
    );
  // As the export bucket's lifecycle rule does: export files go a day after they were written.
  const sweepExports = () => options.infrastructure.exportFiles.sweep(EXPORT_RETENTION_HOURS * 3_600_000);
  await destroySalts();
  sweepExports();
  const timers = [
    setInterval(() => {
      void destroySalts();
      sweepExports();
    }, SALT_CLEANUP_INTERVAL_MS),
    setInterval(
      () => void runCrmSchedule('sync').catch((error: unknown) => log(`CRM schedule failed: ${describeError(error)}`)),
      options.crmSyncEveryMs ?? CRM_SYNC_INTERVAL_MS,
    ),
  ];
  for (const timer of timers) timer.unref();

  return {
    runCrmSchedule,
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
