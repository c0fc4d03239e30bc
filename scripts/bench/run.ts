/**
 * `npm run bench`: drives the local stack with a realistic workload and prints what it would cost on AWS.
 *
 * Everything the pipeline bills is counted while it runs: API requests (by the driver), Lambda invocations and
 * billed milliseconds (local/lambda.ts), SQS requests (a metering proxy in front of the emulator) and DynamoDB
 * request units (a metering proxy in front of DynamoDB Local that computes units from item sizes by DynamoDB's
 * published rules: scripts/bench/capacity-units.ts). Prices: scripts/bench/prices.ts (eu-west-1, dated).
 *
 * Traffic is the snippet's: one request per page, sent when the visitor leaves it, with the page view and the time
 * the page was visible.
 *
 * Phases: (1) the workload alone, metered, for the cost per page view; (2) the workload again with latency
 * probes (single page views of organisations the workload never uses, polled until their lead shows them);
 * (3) reads of the leads list, 50 leads a page.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { loadIpIntel } from '../../functions/domain/ip-intel';
import { leadIdFor } from '../../functions/domain/leads/model';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, startSqsEmulator } from '../../local/emulators';
import { type Invocation, observeInvocations } from '../../local/lambda';
import { startLocalRuntime } from '../../local/runtime';
import { REST_API_ACCESS_LOG_FORMAT } from '../../lib/constructs/rest-api';
import { PUBLIC_API_ACCESS_LOG_FORMAT } from '../../lib/constructs/public-http-api';
import { accessLogLineBytes } from './access-log';
import { type Item, itemSize } from './capacity-units';
import { compareApiTypes, type CostPerMillion, type LambdaUsage } from './cost-model';
import { startDynamoDbMeter } from './dynamodb-meter';
import { EU_WEST_1_PRICES, PRICES_READ_ON } from './prices';
import { startSqsMeter } from './sqs-meter';
import { BROWSER_USER_AGENT, type PlannedVisit, planWorkload, sampleNetworks, seededRandom, titleOf } from './workload';

const { values: args } = parseArgs({
  options: {
    pageviews: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '50' },
    seed: { type: 'string', default: '42' },
  },
});
const PAGEVIEWS = Number(args.pageviews);
const RATE = Number(args.rate);
const SEED = Number(args.seed);
const SITE = 'demo';
const ORIGIN = 'http://localhost:8080';
/** Time between two page views of one visit, compressed from minutes to keep the run short. */
const THINK_TIME_MS = 2_000;
/**
 * Lambda's own lines for an invocation (START, END and REPORT in text format: about 300 bytes together) are INFO
 * system logs, which the functions' system log level, WARN (lib/constructs/lambda-function.ts), keeps out of
 * CloudWatch Logs. Whether a failed or timed-out invocation still gets one at WARN is not documented, so a failed
 * invocation is still counted, at the text-format figure (the JSON-format lines are somewhat longer).
 */
const PLATFORM_LOG_BYTES_PER_FAILED_INVOCATION = 300;
/** The serverless analytics peer the issue names, at 10 M page views a month. */
const PEER_COST_PER_MILLION = 12.9;
const PIPELINE_FUNCTIONS = new Set(['eirlead-ingest', 'eirlead-enrichment']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN;

async function main(): Promise<void> {
  const ipIntel = loadIpIntel('build/ipdata');
  console.log(`Eirlead benchmark: ${PAGEVIEWS} page views at ${RATE}/s, seed ${SEED}; starting DynamoDB Local and the SQS emulator…`);
  const [dynamoDb, sqs] = await Promise.all([startDynamoDbLocal(), startSqsEmulator()]);
  const dynamoMeter = await startDynamoDbMeter({ upstream: dynamoDb.endpoint });
  const sqsMeter = await startSqsMeter({ upstream: sqs.endpoint });
  const apiKey = `eirlead_bench_${randomUUID().replaceAll('-', '')}`;

  // Handler output is what CloudWatch Logs would ingest: count its bytes, keep it off the terminal.
  let logBytes = 0;
  const print = process.stdout.write.bind(process.stdout);
  const swallow = (chunk: string | Uint8Array) => {
    logBytes += Buffer.byteLength(typeof chunk === 'string' ? chunk : Buffer.from(chunk));
    return true;
  };
  const printError = process.stderr.write.bind(process.stderr);
  const say = (line: string) => print(`${line}\n`);
  process.stdout.write = swallow as typeof process.stdout.write;
  process.stderr.write = swallow as typeof process.stderr.write;

  const invocations: Invocation[] = [];
  const stopObserving = observeInvocations((invocation) => invocations.push(invocation));
  const runtime = await startLocalRuntime({
    ipDataDir: 'build/ipdata',
    snippetFile: 'build/snippet/eirlead.js',
    emulators: { dynamoDbEndpoint: dynamoMeter.endpoint, sqsEndpoint: sqsMeter.endpoint },
    trustForwardedFor: true,
    apiKey,
    log: () => undefined,
  });

  try {
    const visits = planWorkload(ipIntel, { seed: SEED, visits: Math.round(PAGEVIEWS / 3.5) });
    const workloadOrganisations = new Set(visits.map((visit) => visit.organisation));
    const probes = sampleNetworks(ipIntel, seededRandom(SEED + 1), { business: 200, isp: 1, hosting: 1 }).business.filter(
      (network) => !workloadOrganisations.has(network.organisation),
    );

    // Phase 1: the metered workload.
    say('Phase 1: workload (metered)…');
    dynamoMeter.reset();
    sqsMeter.reset();
    invocations.length = 0;
    logBytes = 0;
    const sent = await drive(runtime.url, visits);
    await drain(runtime.url, apiKey);
    await sleep(3_000);
    const dynamo = dynamoMeter.totals();
    const queue = sqsMeter.totals();
    const pipelineInvocations = invocations.filter((invocation) => PIPELINE_FUNCTIONS.has(invocation.fn.name));
    const lambda: LambdaUsage[] = [...PIPELINE_FUNCTIONS].map((name) => {
      const mine = pipelineInvocations.filter((invocation) => invocation.fn.name === name);
      return { name, memoryMb: mine[0]?.fn.memoryMb ?? 0, invocations: mine.length, billedMs: mine.reduce((sum, invocation) => sum + invocation.billedMs, 0) };
    });
    const handlerLogBytes = logBytes;
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
    const cost = compareApiTypes(counts, EU_WEST_1_PRICES);

    // Phase 2: latency, with the workload running alongside and the DynamoDB meter off (its own reads around
    // every write would slow the pipeline being timed).
    say('Phase 2: event-to-lead latency under load…');
    dynamoMeter.setMetering(false);
    const rerun = planWorkload(ipIntel, { seed: SEED + 2, visits: Math.round(PAGEVIEWS / 7) });
    const load = drive(runtime.url, rerun);
    const latencies: number[] = [];
    for (const probe of probes.slice(0, 40)) {
      latencies.push(await probeLatency(runtime.url, apiKey, ipIntel, probe));
      await sleep(250);
    }
    await load;
    dynamoMeter.setMetering(true);

    // Phase 3: reading the list, 50 leads a page.
    say('Phase 3: leads list reads…');
    dynamoMeter.reset();
    const pages = await readListPages(runtime.url, apiKey, 4);
    const listReads = dynamoMeter.totals();
    const indexReadUnits = Object.entries(listReads.readUnitsByTarget)
      .filter(([target]) => target.includes('/'))
      .reduce((sum, [, units]) => sum + units, 0);

    const leadSizes = await storedLeadSizes(dynamoDb.endpoint, runtime.tableName);

    report({ sent, dynamo, queue, lambda, counts, cost, latencies, pages, indexReadUnits, listReadUnits: listReads.readUnits, handlerLogBytes, leadSizes }, say);
  } finally {
    stopObserving();
    await runtime.stop();
    await Promise.all([dynamoMeter.stop(), sqsMeter.stop()]);
    await Promise.all([dynamoDb.stop(), sqs.stop()]);
    process.stdout.write = print;
    process.stderr.write = printError;
  }
}

interface Sent {
  requests: number;
  pageviews: number;
  acceptedPageviews: number;
  businessPageviews: number;
}

/**
 * Sends the visits as the snippet does: one request per page, when the visitor leaves it, with the page view and
 * the time the page was visible. Visits start at the pace that gives `RATE` page views a second.
 */
async function drive(url: string, visits: readonly PlannedVisit[]): Promise<Sent> {
  const sent: Sent = { requests: 0, pageviews: 0, acceptedPageviews: 0, businessPageviews: 0 };
  const meanPages = visits.reduce((sum, visit) => sum + visit.paths.length, 0) / Math.max(1, visits.length);
  const visitGapMs = (1000 * meanPages) / RATE;
  const started = Date.now();
  await Promise.all(
    visits.map(async (visit, index) => {
      await sleep(Math.max(0, started + index * visitGapMs - Date.now()));
      for (const path of visit.paths) {
        await sleep(THINK_TIME_MS);
        const accepted = await postEvents(url, visit, [
          { type: 'pageview', url: `${ORIGIN}${path}`, title: titleOf(path) },
          { type: 'engagement', url: `${ORIGIN}${path}`, engagedMs: Math.floor(THINK_TIME_MS * 0.8) },
        ]);
        sent.requests += 1;
        sent.pageviews += 1;
        if (accepted) {
          sent.acceptedPageviews += 1;
          if (visit.kind === 'business') sent.businessPageviews += 1;
        }
      }
    }),
  );
  return sent;
}

/** Posts events in one request; true when the API accepted all of them. */
async function postEvents(url: string, visit: PlannedVisit, events: Record<string, unknown>[]): Promise<boolean> {
  const body = { siteId: SITE, events: events.map((event) => ({ id: randomUUID(), ...event, ...(visit.kind === 'invalid' ? { url: 'not a url' } : {}) })) };
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', Origin: ORIGIN, 'User-Agent': visit.userAgent, 'X-Forwarded-For': visit.ip },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { accepted?: number };
  return response.status === 202 && answer.accepted === events.length;
}

/** Waits until enrichment has caught up: the list stops changing for two seconds. */
async function drain(url: string, apiKey: string): Promise<void> {
  let previous = '';
  let stableSince = Date.now();
  for (;;) {
    const response = await fetch(`${url}/v1/sites/${SITE}/leads?limit=100`, { headers: { Authorization: `Bearer ${apiKey}` } });
    const text = await response.text();
    if (text !== previous) {
      previous = text;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 2_000) return;
    await sleep(250);
  }
}

async function probeLatency(url: string, apiKey: string, ipIntel: ReturnType<typeof loadIpIntel>, probe: { ip: string; organisation: string }): Promise<number> {
  const match = ipIntel.lookupOrganisation(probe.ip.replace(/\.\d+$/, '.0/24'));
  if (!match) throw new Error(`Probe network ${probe.ip} has no organisation`);
  const leadId = leadIdFor(SITE, `asn:${match.asn}`);
  const visit: PlannedVisit = { kind: 'business', ip: probe.ip, userAgent: BROWSER_USER_AGENT, organisation: probe.organisation, paths: ['/'] };
  if (!(await postEvents(url, visit, [{ type: 'pageview', url: `${ORIGIN}/pricing` }]))) throw new Error('A probe page view was not accepted');
  const accepted = performance.now();
  for (;;) {
    const response = await fetch(`${url}/v1/sites/${SITE}/leads/${leadId}`, { headers: { Authorization: `Bearer ${apiKey}` } });
    if (response.status === 200) return performance.now() - accepted;
    await response.arrayBuffer();
    if (performance.now() - accepted > 30_000) throw new Error(`Lead ${leadId} did not appear within 30 s`);
    await sleep(25);
  }
}

/** Sizes of the stored lead items, by DynamoDB's rules: a lead write costs one unit per started KB of them. */
async function storedLeadSizes(endpoint: string, tableName: string): Promise<number[]> {
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

async function readListPages(url: string, apiKey: string, count: number): Promise<number> {
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await fetch(`${url}/v1/sites/${SITE}/leads?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    if (page.items.length === 50) pages += 1;
    cursor = page.nextCursor;
  } while (cursor && pages < count);
  return pages;
}

function report(
  run: {
    sent: Sent;
    dynamo: ReturnType<Awaited<ReturnType<typeof startDynamoDbMeter>>['totals']>;
    queue: ReturnType<Awaited<ReturnType<typeof startSqsMeter>>['totals']>;
    lambda: LambdaUsage[];
    counts: { pageViews: number; apiRequests: number; sqsRequests: number; dynamoDbWriteRequestUnits: number; dynamoDbReadRequestUnits: number; logBytes: number; accessLogBytesPerRequest?: { rest: number; http: number } };
    cost: { rest: CostPerMillion; http: CostPerMillion };
    latencies: number[];
    pages: number;
    indexReadUnits: number;
    listReadUnits: number;
    handlerLogBytes: number;
    leadSizes: number[];
  },
  say: (line: string) => void,
): void {
  const { sent, dynamo, counts, cost, latencies } = run;
  const perAccepted = (value: number) => round(value / counts.pageViews, 3);
  const writeUnits = dynamo.writeUnits + dynamo.indexWriteUnits;
  const rows: [string, string][] = [
    ['Page views sent / accepted / of organisations (leads)', `${sent.pageviews} / ${sent.acceptedPageviews} / ${sent.businessPageviews}`],
    ['API requests per accepted page view', `${perAccepted(counts.apiRequests)}`],
    ['Lambda invocations per accepted page view (ingest + enrichment)', run.lambda.map((fn) => `${fn.name.replace('eirlead-', '')} ${perAccepted(fn.invocations)}`).join(', ')],
    ['Lambda billed ms per invocation (local timing, this machine)', run.lambda.map((fn) => `${fn.name.replace('eirlead-', '')} ${round(fn.billedMs / Math.max(1, fn.invocations), 1)}`).join(', ')],
    ['SQS billable requests per accepted page view', `${perAccepted(counts.sqsRequests)}`],
    ['DynamoDB item writes per accepted page view', `${perAccepted(dynamo.writeRequests)}`],
    ['DynamoDB write units per accepted page view (table + index)', `${perAccepted(writeUnits)} (${perAccepted(dynamo.writeUnits)} + ${perAccepted(dynamo.indexWriteUnits)})`],
    [
      'DynamoDB write units per accepted page view, by operation (PutItem: leads; BatchWriteItem: visit parts)',
      Object.entries(dynamo.byOperation)
        .filter(([, totals]) => totals.writeUnits + totals.indexWriteUnits > 0)
        .map(([operation, totals]) => `${operation} ${perAccepted(totals.writeUnits)} + index ${perAccepted(totals.indexWriteUnits)}`)
        .join(', '),
    ],
    ['DynamoDB write units per page view of an organisation', `${round(writeUnits / Math.max(1, sent.businessPageviews), 3)}`],
    ['DynamoDB read units per accepted page view', `${perAccepted(dynamo.readUnits)}`],
    ['Lead item size p50 / p95 / max (bytes; a lead write costs 1 unit per started KB)', `${percentile(run.leadSizes, 50)} / ${percentile(run.leadSizes, 95)} / ${Math.max(...run.leadSizes)} (${run.leadSizes.length} leads)`],
    ['Read units per 50-lead page of the list (index query + key check)', `${round(run.listReadUnits / Math.max(1, run.pages), 2)} (${run.pages} pages; index ${round(run.indexReadUnits / Math.max(1, run.pages), 2)})`],
    ['Event-to-lead latency, local (p50 / p95, n)', `${Math.round(percentile(latencies, 50))} ms / ${Math.round(percentile(latencies, 95))} ms, n=${latencies.length}`],
    ['Log bytes per accepted page view: functions, and API access log (HTTP API / REST API)', `${Math.round(counts.logBytes / counts.pageViews)}, ${Math.round((counts.apiRequests * (counts.accessLogBytesPerRequest?.http ?? 0)) / counts.pageViews)} / ${Math.round((counts.apiRequests * (counts.accessLogBytesPerRequest?.rest ?? 0)) / counts.pageViews)}`],
  ];
  say('');
  say('| Measured | Figure |');
  say('|---|---|');
  for (const [name, value] of rows) say(`| ${name} | ${value} |`);
  say('');
  say(`AWS cost per million accepted page views, eu-west-1 list prices read ${PRICES_READ_ON} (scripts/bench/prices.ts):`);
  say('');
  say('| Service | ingest on the HTTP API (default) | ingest on the REST API (`ingestApi: "rest"`) |');
  say('|---|---|---|');
  for (const service of Object.keys(cost.http.byService) as (keyof CostPerMillion['byService'])[]) {
    say(`| ${service} | $${cost.http.byService[service].toFixed(3)} | $${cost.rest.byService[service].toFixed(3)} |`);
  }
  say(`| **total** | **$${cost.http.total.toFixed(2)}** | **$${cost.rest.total.toFixed(2)}** |`);
  say('');
  say(`Against the serverless analytics peer's $${PEER_COST_PER_MILLION}/M: ${round(PEER_COST_PER_MILLION / cost.http.total, 2)}× cheaper as deployed by default, ${round(PEER_COST_PER_MILLION / cost.rest.total, 2)}× with ingest on the REST API.`);
  say('Not per page view (fixed a month): KMS key $1, custom metrics, alarms, dashboard; DynamoDB storage; optional WAF.');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
