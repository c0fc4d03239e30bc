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
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { parseArgs } from 'node:util';
import { loadIpIntel } from '../../functions/domain/ip-intel';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, startSqsEmulator } from '../../local/emulators';
import { type Invocation, observeInvocations } from '../../local/lambda';
import { LAMBDA_POLLERS } from '../../local/event-sources';
import { startLocalRuntime } from '../../local/runtime';
import { loadCdkJsonConfig } from '../../lib/config';
import { loadavg } from 'node:os';
import { fixedMonthlyCost, INGEST_OPTIONS, type IngestOption } from './cost-model';
import { type RecordedWrite, startDynamoDbMeter } from './dynamodb-meter';
import { emfMetricCounter, stackFixedResources } from './fixed-resources';
import { latencyUnderLoad, listReads, meteredWorkload, pricedRun, storedLeadSizes, type Stack } from './run/phases';
import { report } from './run/report';
import { startSqsMeter } from './sqs-meter';
import { planWorkload, sampleNetworks, seededRandom } from './workload';

const { values: args } = parseArgs({
  options: {
    pageviews: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '50' },
    seed: { type: 'string', default: '42' },
    // 2 s compresses a visit; 30 or more is a real site's pace (fewer page views of one organisation per batch).
    'think-seconds': { type: 'string', default: '2' },
    // Alert rules on the site (docs/alerts.md): one fires a signed webhook for every new organisation, the others
    // are evaluated on every lead change and never match.
    'alert-rules': { type: 'string', default: '0' },
    // The enrichment queue's batching window, as cdk.json deploys it (`enrichment.batchingWindowSeconds`); the local
    // runtime polls it as Lambda's event source mapping does (five pollers, each gathering for the window).
    'batching-window': { type: 'string', default: String(loadCdkJsonConfig().enrichment.batchingWindowSeconds) },
    // Writes the workload's item writes (before and after, as JSON lines) to this file, for estimates of other item
    // forms: npx tsx scripts/bench/lead-item-estimate.ts <file>.
    'record-writes': { type: 'string' },
  },
});
const BATCHING_WINDOW_SECONDS = Number(args['batching-window']);
const ALERT_RULES = Number(args['alert-rules']);
const PAGEVIEWS = Number(args.pageviews);
const RATE = Number(args.rate);
const SEED = Number(args.seed);
const THINK_MS = Number(args['think-seconds']) * 1000;

/** The machine's 1, 5 and 15 minute load averages, printed beside the figures (timings depend on them). */
const loadAverage = () => loadavg().map((value) => value.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const ipIntel = loadIpIntel('build/ipdata');
  console.log(
    `Eirlead benchmark: ${PAGEVIEWS} page views at ${RATE}/s, ${THINK_MS / 1000} s between a visitor's pages, enrichment batching window ${BATCHING_WINDOW_SECONDS} s (${LAMBDA_POLLERS} pollers), seed ${SEED}; load ${loadAverage()}; starting DynamoDB Local and the SQS emulator…`,
  );
  const [dynamoDb, sqs] = await Promise.all([startDynamoDbLocal(), startSqsEmulator()]);
  const recorded: RecordedWrite[] = [];
  let recording = false;
  const dynamoMeter = await startDynamoDbMeter({ upstream: dynamoDb.endpoint, onWrite: (write) => void (recording && recorded.push(write)) });
  const sqsMeter = await startSqsMeter({ upstream: sqs.endpoint });
  const apiKey = `eirlead_bench_${randomUUID().replaceAll('-', '')}`;

  // Handler output is what CloudWatch Logs would ingest: count its bytes, keep it off the terminal.
  const handlerOutput = { bytes: 0 };
  const metrics = emfMetricCounter();
  const print = process.stdout.write.bind(process.stdout);
  const swallow = (chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    handlerOutput.bytes += Buffer.byteLength(text);
    metrics.take(text);
    return true;
  };
  const printError = process.stderr.write.bind(process.stderr);
  const say = (line: string) => print(`${line}\n`);
  process.stdout.write = swallow as typeof process.stdout.write;
  process.stderr.write = swallow as typeof process.stderr.write;

  const invocations: Invocation[] = [];
  const stopObserving = observeInvocations((invocation) => invocations.push(invocation));
  const receiver = ALERT_RULES > 0 ? await startWebhookReceiver() : undefined;
  const runtime = await startLocalRuntime({
    ipDataDir: 'build/ipdata',
    snippetFile: 'build/snippet/eirlead.js',
    emulators: { dynamoDbEndpoint: dynamoMeter.endpoint, sqsEndpoint: sqsMeter.endpoint },
    trustForwardedFor: true,
    lambdaBatching: { pollers: LAMBDA_POLLERS, windowSeconds: BATCHING_WINDOW_SECONDS },
    apiKey,
    ...(receiver ? { alertsOutbound: { allowLoopback: true, trustedCertificates: [receiver.certificate] } } : {}),
    log: () => undefined,
  });
  if (receiver) await createAlertRules(runtime.url, apiKey, receiver.url, ALERT_RULES);

  const queueClient = new SQSClient({ endpoint: sqs.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const visits = planWorkload(ipIntel, { seed: SEED, visits: Math.round(PAGEVIEWS / 3.5) });
    const workloadOrganisations = new Set(visits.map((visit) => visit.organisation));
    const probes = sampleNetworks(ipIntel, seededRandom(SEED + 1), { business: 200, isp: 1, hosting: 1 }).business.filter(
      (network) => !workloadOrganisations.has(network.organisation),
    );
    const queueDepth = async () => {
      const { Attributes = {} } = await queueClient.send(
        new GetQueueAttributesCommand({ QueueUrl: runtime.queues.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    };
    if (!runtime.ingestUrl) throw new Error('The local runtime serves no ingest function URL');
    // Page views go where the served snippet sends them by default: the ingest function URL. The same counts are
    // priced for each ingest option (the API Gateway options add their request fee and access log line).
    const stack: Stack = { url: runtime.url, ingestUrl: runtime.ingestUrl, thinkMs: THINK_MS, apiKey, ipIntel, dynamoMeter, sqsMeter, invocations, handlerOutput, queueDepth };

    say('Phase 1: workload (metered)…');
    recording = args['record-writes'] !== undefined;
    const workload = await meteredWorkload(stack, visits, RATE);
    recording = false;
    if (args['record-writes']) {
      writeFileSync(args['record-writes'], recorded.map((write) => JSON.stringify(write)).join('\n') + '\n');
      say(`Recorded ${recorded.length} item writes of the workload in ${args['record-writes']}.`);
    }

    say('Phase 2: event-to-lead latency under load…');
    const rerun = planWorkload(ipIntel, { seed: SEED + 2, visits: Math.round(PAGEVIEWS / 7) });
    const { latencies, unmeteredMsPerInvocation } = await latencyUnderLoad(stack, rerun, probes, RATE);
    const cost = pricedRun(workload.counts, unmeteredMsPerInvocation);

    say('Phase 3: leads list reads…');
    const list = await listReads(stack);

    const leadSizes = await storedLeadSizes(dynamoDb.endpoint, runtime.tableName);

    // Before the load figure: synthesising the stack takes a core for a while.
    const loadAfter = loadAverage();
    const fixed = Object.fromEntries(INGEST_OPTIONS.map((option) => [option, fixedMonthlyCost(stackFixedResources(option, metrics.count))])) as Record<
      IngestOption,
      ReturnType<typeof fixedMonthlyCost>
    >;
    report({ ...workload, cost, unmeteredMsPerInvocation, latencies, ...list, leadSizes, fixed, customMetrics: metrics.count, thinkSeconds: THINK_MS / 1000, load: loadAfter }, say);
    if (receiver) {
      say('');
      say(`Alerts: ${ALERT_RULES} rules evaluated on every lead change; ${receiver.received()} signed webhooks received in all phases (one per new organisation).`);
    }
  } finally {
    await receiver?.close();
    queueClient.destroy();
    stopObserving();
    await runtime.stop();
    await Promise.all([dynamoMeter.stop(), sqsMeter.stop()]);
    await Promise.all([dynamoDb.stop(), sqs.stop()]);
    process.stdout.write = print;
    process.stderr.write = printError;
  }
}

/** A webhook receiver on 127.0.0.1 with a certificate of its own, answering 204 to everything. */
async function startWebhookReceiver() {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048, extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }] });
  let received = 0;
  const server = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    request.resume();
    request.on('end', () => {
      received++;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    certificate: pems.cert,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function createAlertRules(apiUrl: string, apiKey: string, receiverUrl: string, count: number): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${apiUrl}/v1/sites/demo${path}`, { method: 'POST', headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { endpointId?: string };
  };
  const { endpointId } = await post('/alert-endpoints', { kind: 'webhook', name: 'bench', url: receiverUrl, secret: `whsec_${randomBytes(32).toString('base64')}` });
  await post('/alert-rules', { name: 'new organisation', trigger: 'new-organisation', endpointIds: [endpointId] });
  for (let rule = 1; rule < count; rule++) {
    await post('/alert-rules', { name: `never ${rule}`, conditions: { paths: [`/never/${rule}/**`], countries: ['DE', 'FR'] }, endpointIds: [endpointId] });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
