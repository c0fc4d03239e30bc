import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime';
import type { PlannedVisit } from '../../../scripts/bench/workload';
import { emulatorEndpoints, uniqueName } from './local-aws';

/**
 * The whole local pipeline (HTTP front → ingest → SQS emulator → enrichment → DynamoDB Local) for the fault and
 * load tests, accounted for by the product's own CloudWatch metrics (the EMF lines the handlers print).
 */
export const SITE = 'demo';
export const ORIGIN = 'http://localhost:8080';

export const sum = (values: Iterable<number>): number => [...values].reduce((total, value) => total + value, 0);

/** Sums of the EMF metrics the handlers printed, by name and `reason` dimension. */
const metrics = new Map<string, number>();
export function captureMetrics(): () => void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.startsWith('{"_aws"')) continue;
      const emf = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } };
      for (const { Name } of emf._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics)) {
        const key = typeof emf.reason === 'string' ? `${Name}:${emf.reason}` : Name;
        metrics.set(key, (metrics.get(key) ?? 0) + Number(emf[Name]));
      }
    }
    return true;
  }) as typeof process.stdout.write;
  // The handlers' JSON log lines (errors are expected while DynamoDB is down) would only bury the test output.
  const writeError = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    String(chunk).startsWith('{"level"') ? true : writeError(chunk, ...(rest as []))) as typeof process.stderr.write;
  return () => {
    process.stdout.write = write;
    process.stderr.write = writeError;
  };
}

export const snapshot = () => new Map(metrics);
export function delta(before: Map<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of metrics) if (value !== (before.get(key) ?? 0)) result[key] = value - (before.get(key) ?? 0);
  return result;
}
export const droppedIn = (counts: Record<string, number>): number =>
  Object.entries(counts).filter(([key]) => key.startsWith('DroppedEvents:')).reduce((sum, [, value]) => sum + value, 0);


export interface Pipeline {
  readonly runtime: LocalRuntime;
  readonly sqs: SQSClient;
  readonly apiKey: string;
  stop(): Promise<void>;
}

/** A local runtime on the given DynamoDB endpoint (default: the shared emulator) and the shared SQS emulator. */
export async function startPipeline(options: { dynamoDbEndpoint?: string; visibilityTimeoutSeconds?: number } = {}): Promise<Pipeline> {
  const endpoints = emulatorEndpoints();
  const name = uniqueName('pipeline');
  const apiKey = `eirlead_test_${randomUUID().replaceAll('-', '')}`;
  const runtime = await startLocalRuntime({
    ipDataDir: 'build/ipdata',
    snippetFile: 'build/snippet/eirlead.js',
    emulators: { dynamoDbEndpoint: options.dynamoDbEndpoint ?? endpoints.dynamoDb, sqsEndpoint: endpoints.sqs },
    names: { tableName: name, queueName: `${name}-events`, deadLetterQueueName: `${name}-events-dlq` },
    trustForwardedFor: true,
    apiKey,
    ...(options.visibilityTimeoutSeconds ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds } : {}),
    log: () => undefined,
  });
  const sqs = new SQSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: endpoints.sqs });
  return {
    runtime,
    sqs,
    apiKey,
    async stop() {
      await runtime.stop();
      sqs.destroy();
    },
  };
}

export interface Sent {
  accepted: number;
  /** Accepted page views of business visitors, by organisation name: what the leads must add up to. */
  businessPageviews: Map<string, number>;
  rejected: number;
  droppedAtIngest: number;
  failed: number;
}

/**
 * A connection reset under load (the machine busy with other test workers) is retried with the same body, as a
 * tracker retries: the events keep their ids, so a request that did arrive the first time is counted once.
 */
async function postWithRetry(url: string, init: RequestInit, attempts = 3): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= attempts || !(error instanceof TypeError)) throw error;
    }
  }
}

/**
 * Posts each visit's page views in one request (as a server-side client or a batching tracker would; the snippet
 * sends one per page view), `concurrency` requests at a time, and counts what the API answered.
 */
export async function post({ runtime }: Pipeline, visits: readonly PlannedVisit[], concurrency = 16): Promise<Sent> {
  const sent: Sent = { accepted: 0, businessPageviews: new Map(), rejected: 0, droppedAtIngest: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < visits.length) {
      const visit = visits[next++] as PlannedVisit;
      const events = visit.paths.map((path) => ({ id: randomUUID(), type: 'pageview', url: visit.kind === 'invalid' ? 'not a url' : `${ORIGIN}${path}` }));
      const response = await postWithRetry(`${runtime.url}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: ORIGIN, 'User-Agent': visit.userAgent, 'X-Forwarded-For': visit.ip },
        body: JSON.stringify({ siteId: SITE, events }),
      });
      const body = (await response.json()) as { accepted?: number };
      if (response.status === 202 && body.accepted === events.length) {
        sent.accepted += events.length;
        if (visit.kind === 'business' && visit.organisation) {
          sent.businessPageviews.set(visit.organisation, (sent.businessPageviews.get(visit.organisation) ?? 0) + events.length);
        }
      } else if (response.status === 202 && body.accepted === 0) sent.droppedAtIngest += events.length;
      else if (response.status >= 400 && response.status < 500) sent.rejected += events.length;
      else sent.failed += events.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return sent;
}

export async function queueDepth({ sqs }: Pipeline, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Until the queue is empty (visible and in flight) and every accepted event has been counted somewhere. */
export async function drained(pipeline: Pipeline, before: Map<string, number>, accepted: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = delta(before);
    const accounted = (counts.RecordedEvents ?? 0) + (counts.DuplicateEvents ?? 0) + droppedIn(counts);
    if ((await queueDepth(pipeline, pipeline.runtime.queues.queueUrl)) === 0 && accounted >= accepted) return;
    if (Date.now() > deadline) throw new Error(`Not drained after ${timeoutMs} ms: ${JSON.stringify(counts)}, accepted ${accepted}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Page views per organisation name, summed over all leads of the site, as each lead counts them now: the list finds
 * the leads, and each lead's own route gives its figures (the list's may trail them by up to 10 minutes of events).
 */
export async function leadPageviews({ runtime, apiKey }: Pipeline): Promise<Map<string, number>> {
  const headers = { Authorization: `Bearer ${apiKey}` };
  const leadIds: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await fetch(`${runtime.url}/v1/sites/${SITE}/leads?${query}`, { headers });
    const page = (await response.json()) as { items: { leadId: string }[]; nextCursor: string | null };
    leadIds.push(...page.items.map((lead) => lead.leadId));
    cursor = page.nextCursor;
  } while (cursor);
  const totals = new Map<string, number>();
  for (const leadId of leadIds) {
    const response = await fetch(`${runtime.url}/v1/sites/${SITE}/leads/${leadId}`, { headers });
    const lead = (await response.json()) as { organisation: { name: string }; pageviews: number };
    totals.set(lead.organisation.name, (totals.get(lead.organisation.name) ?? 0) + lead.pageviews);
  }
  return totals;
}

/** How much each organisation's page views grew between two `leadPageviews` readings. */
export function growth(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([name, views]) => [name, views - (before.get(name) ?? 0)] as [string, number]).filter(([, views]) => views !== 0));
}

/**
 * One pipeline for the calling test file: started before its tests with the handlers' metrics captured, stopped
 * after them. Returns the running pipeline's getter.
 */
export function pipelineForThisFile(): () => Pipeline {
  let pipeline: Pipeline | undefined;
  let restoreOutput: (() => void) | undefined;
  beforeAll(async () => {
    restoreOutput = captureMetrics();
    pipeline = await startPipeline();
  }, 120_000);
  afterAll(async () => {
    await pipeline?.stop();
    restoreOutput?.();
  }, 60_000);
  return () => {
    if (!pipeline) throw new Error('The pipeline did not start (see beforeAll)');
    return pipeline;
  };
}
