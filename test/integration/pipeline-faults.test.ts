import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadIpIntel } from '../../functions/shared/ip-intel';
import { truncateIp } from '../../functions/shared/privacy/network';
import type { QueuedRequest } from '../../functions/shared/queue-message';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION, type RunningEmulator, startDynamoDbLocal } from '../../local/emulators';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { type PlannedVisit, planWorkload } from '../../scripts/bench/workload';
import { emulatorEndpoints, uniqueName } from './support/local-aws';

/**
 * Faults and load against the whole local pipeline (HTTP front → ingest → SQS emulator → enrichment →
 * DynamoDB Local), accounted for by the product's own CloudWatch metrics (EMF lines on stdout): nothing
 * accepted may be lost, nothing counted twice.
 */
const SITE = 'demo';
const ORIGIN = 'http://localhost:8080';
const API_KEY = `eirlead_test_${randomUUID().replaceAll('-', '')}`;

let dataDir: string;
let dynamoDbPort: number;
let dynamoDb: RunningEmulator;
let runtime: LocalRuntime;
let sqs: SQSClient;
const ipIntel = loadIpIntel('build/ipdata');

/** Sums of the EMF metrics the handlers printed, by name and `reason` dimension. */
const metrics = new Map<string, number>();
let restoreStdout: () => void;

function captureMetrics(): () => void {
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

const snapshot = () => new Map(metrics);
function delta(before: Map<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of metrics) if (value !== (before.get(key) ?? 0)) result[key] = value - (before.get(key) ?? 0);
  return result;
}
const droppedIn = (counts: Record<string, number>): number =>
  Object.entries(counts).filter(([key]) => key.startsWith('DroppedEvents:')).reduce((sum, [, value]) => sum + value, 0);

beforeAll(async () => {
  restoreStdout = captureMetrics();
  dataDir = mkdtempSync(join(tmpdir(), 'eirlead-faults-'));
  dynamoDbPort = await freePort();
  // Its own DynamoDB Local, on disk, so that it can be stopped and started again without losing data.
  dynamoDb = await startDynamoDbLocal({ dataDir, port: dynamoDbPort });
  const { sqs: sqsEndpoint } = emulatorEndpoints();
  const name = uniqueName('faults');
  runtime = await startLocalRuntime({
    ipDataDir: 'build/ipdata',
    snippetFile: 'build/snippet/eirlead.js',
    emulators: { dynamoDbEndpoint: dynamoDb.endpoint, sqsEndpoint },
    names: { tableName: name, queueName: `${name}-events`, deadLetterQueueName: `${name}-events-dlq` },
    trustForwardedFor: true,
    apiKey: API_KEY,
    // DynamoDB Local on disk syncs every write, so a batch can outlast the quick local default of 10 s; a
    // redelivery would then count its dropped events twice and spoil the exact accounting (leads stay right).
    visibilityTimeoutSeconds: 30,
    log: () => undefined,
  });
  sqs = new SQSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: sqsEndpoint });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  await dynamoDb?.stop();
  sqs?.destroy();
  restoreStdout?.();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

interface Sent {
  accepted: number;
  /** Accepted page views of business visitors, by organisation name: what the leads must add up to. */
  businessPageviews: Map<string, number>;
  rejected: number;
  droppedAtIngest: number;
  failed: number;
}

/**
 * Posts each visit's page views in one request (as a server-side client or a batching tracker would; the snippet
 * sends one per page view), `concurrency` requests at a time, and counts what the API answered.
 */
async function post(visits: readonly PlannedVisit[], concurrency = 16): Promise<Sent> {
  const sent: Sent = { accepted: 0, businessPageviews: new Map(), rejected: 0, droppedAtIngest: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < visits.length) {
      const visit = visits[next++] as PlannedVisit;
      const events = visit.paths.map((path) => ({ id: randomUUID(), type: 'pageview', url: visit.kind === 'invalid' ? 'not a url' : `${ORIGIN}${path}` }));
      const response = await fetch(`${runtime.url}/v1/events`, {
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

async function queueDepth(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Until the queue is empty (visible and in flight) and every accepted event has been counted somewhere. */
async function drained(before: Map<string, number>, accepted: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = delta(before);
    const accounted = (counts.RecordedEvents ?? 0) + (counts.DuplicateEvents ?? 0) + droppedIn(counts);
    if ((await queueDepth(runtime.queues.queueUrl)) === 0 && accounted >= accepted) return;
    if (Date.now() > deadline) throw new Error(`Not drained after ${timeoutMs} ms: ${JSON.stringify(counts)}, accepted ${accepted}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function leadPageviews(): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  let cursor: string | null = null;
  do {
    const query: string = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await fetch(`${runtime.url}/v1/sites/${SITE}/leads?${query}`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    const page = (await response.json()) as { items: { organisation: { name: string }; pageviews: number }[]; nextCursor: string | null };
    for (const lead of page.items) totals.set(lead.organisation.name, (totals.get(lead.organisation.name) ?? 0) + lead.pageviews);
    cursor = page.nextCursor;
  } while (cursor);
  return totals;
}

const sum = (values: Iterable<number>): number => [...values].reduce((total, value) => total + value, 0);

describe('the local pipeline under faults and load', () => {
  it('changes nothing when every message is delivered twice, in the same batch or later', async () => {
    const before = snapshot();
    const leadsBefore = await leadPageviews();
    const visits = planWorkload(ipIntel, { seed: 11, visits: 150, shares: { bot: 0, invalid: 0 } });
    const messages: QueuedRequest[] = visits.map((visit) => ({
      version: 1,
      siteId: SITE,
      receivedAt: new Date().toISOString(),
      network: truncateIp(visit.ip) ?? '',
      visitorId: createHash('sha256').update(`${visit.ip}\n${randomUUID()}`).digest('hex'),
      events: visit.paths.map((path) => ({ id: randomUUID(), type: 'pageview' as const, url: `${ORIGIN}${path}`, occurredAt: new Date().toISOString() })),
    }));
    // Each message twice: once next to itself, once again after all others.
    const deliveries = [...messages.flatMap((message) => [message, message]), ...messages];
    for (let start = 0; start < deliveries.length; start += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: runtime.queues.queueUrl,
          Entries: deliveries.slice(start, start + 10).map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
    }
    const events = sum(messages.map((message) => message.events.length));
    await drained(before, 3 * events, 60_000);

    const counts = delta(before);
    const expected = new Map<string, number>();
    visits.forEach((visit, index) => {
      if (visit.kind === 'business' && visit.organisation) {
        expected.set(visit.organisation, (expected.get(visit.organisation) ?? 0) + (messages[index]?.events.length ?? 0));
      }
    });
    const after = await leadPageviews();
    const grown = new Map([...after].map(([name, views]) => [name, views - (leadsBefore.get(name) ?? 0)]).filter(([, views]) => views !== 0) as [string, number][]);
    expect(grown).toEqual(expected);
    // Carriers' and clouds' requests are dropped on every delivery, before any deduplication is needed.
    const businessEvents = sum(expected.values());
    expect(counts.RecordedEvents).toBe(businessEvents);
    expect(counts.DuplicateEvents).toBe(2 * businessEvents);
    expect(droppedIn(counts)).toBe(3 * (events - businessEvents));
  }, 120_000);

  it('accounts exactly for a burst of 10,000 page views from many organisations', async () => {
    const before = snapshot();
    const visits = planWorkload(ipIntel, { seed: 7, visits: 2_900, organisations: 400 });
    const pageviews = sum(visits.map((visit) => visit.paths.length));
    expect(pageviews).toBeGreaterThanOrEqual(10_000);
    const leadsBefore = await leadPageviews();

    const sent = await post(visits, 24);
    await drained(before, sent.accepted, 120_000);

    const counts = delta(before);
    const inDeadLetterQueue = await queueDepth(runtime.queues.deadLetterQueueUrl);
    expect(sent.failed).toBe(0);
    expect(sent.accepted + sent.droppedAtIngest + sent.rejected).toBe(pageviews);
    expect(sent.droppedAtIngest).toBe(counts['DroppedEvents:bot']);
    expect(sent.rejected).toBe(sum(visits.filter((visit) => visit.kind === 'invalid').map((visit) => visit.paths.length)));
    // accepted = stored + dropped by reason + in the DLQ, and nothing twice.
    const droppedAtEnrichment = droppedIn(counts) - (counts['DroppedEvents:bot'] ?? 0);
    expect((counts.RecordedEvents ?? 0) + droppedAtEnrichment + inDeadLetterQueue).toBe(sent.accepted);
    expect(counts.DuplicateEvents ?? 0).toBe(0);
    expect(counts['DroppedEvents:isp']).toBeGreaterThan(0);
    expect(counts['DroppedEvents:hosting']).toBeGreaterThan(0);
    // What was stored is what the leads show, organisation by organisation.
    const after = await leadPageviews();
    const grown = new Map([...after].map(([name, views]) => [name, views - (leadsBefore.get(name) ?? 0)]).filter(([, views]) => views !== 0) as [string, number][]);
    expect(grown).toEqual(sent.businessPageviews);
    expect(sum(grown.values())).toBe(counts.RecordedEvents);
  }, 240_000);

  it('loses nothing when DynamoDB is down for 20 s in the middle of a run', async () => {
    const before = snapshot();
    const visits = planWorkload(ipIntel, { seed: 3, visits: 700, shares: { bot: 0, invalid: 0 } });
    const leadsBefore = await leadPageviews();
    const third = Math.floor(visits.length / 3);

    const first = await post(visits.slice(0, third));
    await dynamoDb.stop();
    const outageEnds = Date.now() + 20_000;
    const during = await post(visits.slice(third, 2 * third), 2);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageEnds - Date.now())));
    dynamoDb = await startDynamoDbLocal({ dataDir, port: dynamoDbPort });
    const last = await post(visits.slice(2 * third));

    const accepted = first.accepted + during.accepted + last.accepted;
    await drained(before, accepted, 150_000);
    const counts = delta(before);
    const inDeadLetterQueue = await queueDepth(runtime.queues.deadLetterQueueUrl);
    expect(during.accepted).toBeGreaterThan(0);
    expect([first.failed, during.failed, last.failed]).toEqual([0, 0, 0]);
    expect(inDeadLetterQueue).toBe(0);
    expect((counts.RecordedEvents ?? 0) + droppedIn(counts)).toBe(accepted);
    const expected = new Map<string, number>();
    for (const part of [first, during, last]) for (const [name, views] of part.businessPageviews) expected.set(name, (expected.get(name) ?? 0) + views);
    const after = await leadPageviews();
    const grown = new Map([...after].map(([name, views]) => [name, views - (leadsBefore.get(name) ?? 0)]).filter(([, views]) => views !== 0) as [string, number][]);
    expect(grown).toEqual(expected);
  }, 240_000);
});
