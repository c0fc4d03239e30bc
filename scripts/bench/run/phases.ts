/** The three phases of `npm run bench`, each against the local stack that run.ts starts. */
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { IpIntelEngine } from '../../../functions/domain/ip-intel';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators';
import type { Invocation } from '../../../local/lambda';
import { REST_API_ACCESS_LOG_FORMAT } from '../../../lib/constructs/rest-api';
import { PUBLIC_API_ACCESS_LOG_FORMAT } from '../../../lib/constructs/public-http-api';
import { accessLogLineBytes } from '../access-log';
import { type Item, itemSize } from '../capacity-units';
import { compareIngestOptions, type LambdaUsage } from '../cost-model';
import type { DynamoDbMeter } from '../dynamodb-meter';
import { EU_WEST_1_PRICES } from '../prices';
import type { SqsMeter } from '../sqs-meter';
import type { PlannedVisit } from '../workload';
import { drain, drive, probeLatency, readListPages, sleep } from './traffic';

/**
 * Lambda's own lines for an invocation (START, END and REPORT in text format: about 300 bytes together) are INFO
 * system logs, which the functions' system log level, WARN (lib/constructs/lambda-function.ts), keeps out of
 * CloudWatch Logs. Whether a failed or timed-out invocation still gets one at WARN is not documented, so a failed
 * invocation is still counted, at the text-format figure (the JSON-format lines are somewhat longer).
 */
const PLATFORM_LOG_BYTES_PER_FAILED_INVOCATION = 300;
// The alerts functions run beside enrichment on every lead change (the table stream), rules or not: their cost is
// part of a page view's (docs/alerts.md).
const PIPELINE_FUNCTIONS = new Set(['eirlead-ingest', 'eirlead-enrichment', 'eirlead-alerts', 'eirlead-alert-delivery']);

export interface Stack {
  /** The local API (leads API; it also takes POST /v1/events, as the HTTP API does). */
  readonly url: string;
  /** The local ingest function URL, where page views are sent. */
  readonly ingestUrl: string;
  /** Time between two page views of one visit. */
  readonly thinkMs: number;
  readonly apiKey: string;
  readonly ipIntel: IpIntelEngine;
  readonly dynamoMeter: DynamoDbMeter;
  readonly sqsMeter: SqsMeter;
  /** Every Lambda invocation since the run started; a phase empties it to count its own. */
  readonly invocations: Invocation[];
  /** Bytes of handler output (what CloudWatch Logs would ingest) since the counter was last set to 0. */
  readonly handlerOutput: { bytes: number };
  /** Messages in the event queue, visible and in flight, read from the emulator without the meter. */
  readonly queueDepth: () => Promise<number>;
}

/** Phase 1: the metered workload, for the cost per page view. */
export async function meteredWorkload(stack: Stack, visits: readonly PlannedVisit[], rate: number) {
  const { dynamoMeter, sqsMeter, invocations, handlerOutput } = stack;
  dynamoMeter.reset();
  sqsMeter.reset();
  invocations.length = 0;
  handlerOutput.bytes = 0;
  const sent = await drive(stack.ingestUrl, visits, rate, stack.thinkMs);
  await drain(stack.queueDepth);
  await sleep(3_000);
  const dynamo = dynamoMeter.totals();
  const queue = sqsMeter.totals();
  const pipelineInvocations = invocations.filter((invocation) => PIPELINE_FUNCTIONS.has(invocation.fn.name));
  const lambda: LambdaUsage[] = [...PIPELINE_FUNCTIONS].map((name) => {
    const mine = pipelineInvocations.filter((invocation) => invocation.fn.name === name);
    return { name, memoryMb: mine[0]?.fn.memoryMb ?? 0, invocations: mine.length, billedMs: mine.reduce((sum, invocation) => sum + invocation.billedMs, 0) };
  });
  const handlerLogBytes = handlerOutput.bytes;
  if (dynamo.errors.length > 0 || queue.errors.length > 0) throw new Error(`Metering failed: ${[...dynamo.errors, ...queue.errors].join('; ')}`);
  const counts = {
    pageViews: sent.acceptedPageviews,
    apiRequests: sent.requests,
    lambda,
    sqsRequests: queue.billableRequests,
    dynamoDbWriteRequestUnits: dynamo.writeUnits + dynamo.indexWriteUnits,
    dynamoDbReadRequestUnits: dynamo.readUnits,
    // SQS SSE-KMS reuses data keys for 5 minutes and the daily salt is decrypted once per container and day,
    // so KMS calls do not grow with traffic; they are in the fixed monthly cost.
    kmsRequests: 0,
    logBytes: handlerLogBytes + pipelineInvocations.filter((invocation) => invocation.failed).length * PLATFORM_LOG_BYTES_PER_FAILED_INVOCATION,
    accessLogBytesPerRequest: {
      rest: accessLogLineBytes(REST_API_ACCESS_LOG_FORMAT.toString()),
      http: accessLogLineBytes(PUBLIC_API_ACCESS_LOG_FORMAT.toString()),
    },
  };
  return { sent, dynamo, queue, lambda, counts, handlerLogBytes };
}

/**
 * The cost per million, with each function's billed milliseconds per invocation taken from the unmetered phase
 * where it ran (phase 2): in the metered phase every write waits while the DynamoDB meter reads the item before
 * and after it, time that has no counterpart on AWS. Invocation counts stay the metered phase's.
 */
export function pricedRun(counts: Parameters<typeof compareIngestOptions>[0], unmeteredMsPerInvocation: Readonly<Record<string, number>>) {
  const lambda = counts.lambda.map((fn) => {
    const ms = unmeteredMsPerInvocation[fn.name];
    return ms === undefined ? fn : { ...fn, billedMs: Math.round(ms * fn.invocations) };
  });
  return compareIngestOptions({ ...counts, lambda }, EU_WEST_1_PRICES);
}

/**
 * Phase 2: latency, with the workload running alongside and the DynamoDB meter off (its own reads around every
 * write would slow the pipeline being timed).
 */
export async function latencyUnderLoad(
  stack: Stack,
  load: readonly PlannedVisit[],
  probes: readonly { ip: string; organisation: string }[],
  rate: number,
): Promise<{ latencies: number[]; unmeteredMsPerInvocation: Record<string, number> }> {
  stack.dynamoMeter.setMetering(false);
  const firstInvocation = stack.invocations.length;
  const running = drive(stack.ingestUrl, load, rate, stack.thinkMs);
  const latencies: number[] = [];
  for (const probe of probes.slice(0, 40)) {
    latencies.push(await probeLatency(stack, probe));
    await sleep(250);
  }
  await running;
  await drain(stack.queueDepth);
  await sleep(3_000);
  stack.dynamoMeter.setMetering(true);
  const unmetered = stack.invocations.slice(firstInvocation).filter((invocation) => PIPELINE_FUNCTIONS.has(invocation.fn.name));
  const unmeteredMsPerInvocation = Object.fromEntries(
    [...PIPELINE_FUNCTIONS].flatMap((name) => {
      const mine = unmetered.filter((invocation) => invocation.fn.name === name);
      return mine.length === 0 ? [] : [[name, mine.reduce((sum, invocation) => sum + invocation.billedMs, 0) / mine.length]];
    }),
  );
  return { latencies, unmeteredMsPerInvocation };
}

/** Phase 3: reading the list, 50 leads a page. */
export async function listReads(stack: Stack) {
  stack.dynamoMeter.reset();
  const pages = await readListPages(stack.url, stack.apiKey, 4);
  const totals = stack.dynamoMeter.totals();
  const indexReadUnits = Object.entries(totals.readUnitsByTarget)
    .filter(([target]) => target.includes('/'))
    .reduce((sum, [, units]) => sum + units, 0);
  return { pages, indexReadUnits, listReadUnits: totals.readUnits };
}

/** Sizes of the stored lead items, by DynamoDB's rules: a lead write costs one unit per started KB of them. */
export async function storedLeadSizes(endpoint: string, tableName: string): Promise<number[]> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const sizes: number[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, FilterExpression: 'sk = :lead', ExpressionAttributeValues: { ':lead': { S: 'LEAD' } }, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) sizes.push(itemSize(item as Item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  client.destroy();
  return sizes;
}
