/**
 * The bulk export, measured (issue 19): a site with 100,000 leads in the local runtime (DynamoDB Local and the SQS
 * emulator, in memory), exported as CSV and NDJSON through the API with the typed client; the time from request to
 * file, this process's peak memory while the export function ran (the local runtime runs it in this process, as
 * Lambda would run it in its own), and the cost of one such export on AWS by the model of ./export-cost.ts.
 *
 *   npm run bench:export                        100,000 leads, CSV and NDJSON, without visits
 *   npm run bench:export -- --leads 20000 --visits   with each lead's visits (one more Query per lead)
 *
 * Not part of npm test: the seeding alone takes minutes. Run it alone on the machine.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createEirleadClient, waitForExport } from '../../clients/typescript';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { LEAD_INDEX, LEADS_BY_LAST_SEEN_INDEX, TABLE_KEYS } from '../../functions/contracts/table';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { startLocalRuntime } from '../../local/runtime';
import { indexEntrySize, type IndexSchema, type Item, itemSize } from './capacity-units';
import { exportCost } from './export-cost';
import { leadItems, seedLeads } from './lead-seed';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    'visits-per-lead': { type: 'string', default: '2' },
    visits: { type: 'boolean', default: false },
    formats: { type: 'string', default: 'csv,ndjson' },
  },
});
const count = Number(values.leads);
const visitsPerLead = Number(values['visits-per-lead']);
const formats = values.formats.split(',') as Array<'csv' | 'ndjson'>;
const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

const INDEX: IndexSchema = {
  name: LEADS_BY_LAST_SEEN_INDEX,
  partitionKey: LEAD_INDEX.partitionKey,
  sortKey: LEAD_INDEX.sortKey,
  projection: { type: 'INCLUDE', attributes: LEAD_INDEX.nonKeyAttributes },
  tableKeys: TABLE_KEYS,
};

/** Samples this process's memory every 20 ms until stopped: the peak of what the export added. */
function memoryPeak() {
  const start = process.memoryUsage();
  let rss = start.rss;
  let heap = start.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  }, 20);
  return () => {
    clearInterval(timer);
    return { startRss: start.rss, peakRss: rss, startHeap: start.heapUsed, peakHeap: heap };
  };
}

async function main(): Promise<void> {
  const apiKey = `eirl_bench_${randomUUID().replaceAll('-', '')}`;
  const runtime = await startLocalRuntime({ ipDataDir: 'build/ipdata', snippetFile: 'build/snippet/eirlead.js', apiKey, log: () => undefined });
  const stop = () => void runtime.stop().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const dynamoDb = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: runtime.endpoints.dynamoDb });
  try {
    const now = new Date();
    const seedStarted = Date.now();
    let reported = 0;
    await seedLeads(DynamoDBDocumentClient.from(dynamoDb), runtime.tableName, {
      siteId: 'demo',
      count,
      visitsPerLead,
      now,
      writeVisits: values.visits,
      concurrency: 16,
      progress: (written) => {
        if (written - reported >= 10_000 || written === count) {
          reported = written;
          console.log(`seeded ${written} leads (${((Date.now() - seedStarted) / 1000).toFixed(0)} s)`);
        }
      },
    });

    // What the export reads: the index entries of every lead and, with visits, each lead's visit items.
    let indexBytes = 0;
    const visitQueryBytes: number[] = [];
    for (let index = 0; index < count; index++) {
      const [lead, ...parts] = leadItems({ siteId: 'demo', visitsPerLead, now }, index, count).map((item) => marshall(item, { removeUndefinedValues: true }) as unknown as Item);
      indexBytes += lead ? indexEntrySize(INDEX, lead) : 0;
      if (values.visits) visitQueryBytes.push(parts.reduce((sum, part) => sum + itemSize(part), 0));
    }

    const client = createEirleadClient({ baseUrl: runtime.url, apiKey });
    const results = [];
    for (const format of formats) {
      const started = Date.now();
      const peak = memoryPeak();
      const created = await client.POST('/v1/sites/{siteId}/exports', { params: { path: { siteId: 'demo' } }, body: { format, visits: values.visits } });
      if (!created.data) throw new Error(`export refused: ${created.response.status} ${JSON.stringify(created.error)}`);
      const done = await waitForExport(client, 'demo', created.data.exportId, { intervalMs: 1000, timeoutMs: 30 * 60_000 });
      const memory = peak();
      const exportSeconds = (Date.now() - started) / 1000;
      if (done.status !== 'succeeded' || !done.url) throw new Error(`export ${done.status}: ${done.error ?? ''}`);
      const downloadStarted = Date.now();
      const file = await fetch(done.url);
      let bytes = 0;
      let lines = 0;
      for await (const chunk of file.body ?? []) {
        bytes += (chunk as Uint8Array).length;
        for (const byte of chunk as Uint8Array) if (byte === 10) lines++;
      }
      const jobSeconds = (Date.parse(done.finishedAt ?? '') - Date.parse(done.createdAt)) / 1000;
      const cost = exportCost(
        { leads: done.leads ?? 0, durationSeconds: jobSeconds, fileBytes: bytes, indexBytes, visitQueryBytes, pollIntervalSeconds: 1 },
        FUNCTIONS.leadExport.memoryMb,
        FUNCTIONS.leadsApi.memoryMb,
      );
      const result = {
        format,
        visits: values.visits,
        leads: done.leads,
        lines,
        fileBytes: bytes,
        jobSeconds,
        requestToFileSeconds: exportSeconds,
        downloadSeconds: (Date.now() - downloadStarted) / 1000,
        rssStartMb: Math.round(memory.startRss / MB),
        rssPeakMb: Math.round(memory.peakRss / MB),
        heapStartMb: Math.round(memory.startHeap / MB),
        heapPeakMb: Math.round(memory.peakHeap / MB),
        costUsd: Number(cost.totalUsd.toFixed(5)),
        costWithTransferUsd: Number(cost.totalWithTransferUsd.toFixed(5)),
      };
      results.push(result);
      console.log(`\n${format}${values.visits ? ' with visits' : ''}: ${done.leads} leads, ${mb(bytes)}, job ${jobSeconds.toFixed(1)} s (request to file ${exportSeconds.toFixed(1)} s), download ${result.downloadSeconds.toFixed(1)} s`);
      console.log(`memory of this process: RSS ${mb(memory.startRss)} -> peak ${mb(memory.peakRss)}, heap ${mb(memory.startHeap)} -> peak ${mb(memory.peakHeap)}`);
      console.log(`cost on AWS (eu-west-1, model: scripts/bench/export-cost.ts, ${FUNCTIONS.leadExport.memoryMb} MB export function, the local job time as its duration):`);
      for (const line of cost.lines) console.log(`  ${line.item.padEnd(54)} ${line.quantity.padStart(12)}  $${line.usd.toFixed(6)}`);
      console.log(`  total $${cost.totalUsd.toFixed(5)}; with the download over the internet $${cost.totalWithTransferUsd.toFixed(5)}`);
    }
    console.log(`\nindex bytes read ${mb(indexBytes)}; ${JSON.stringify({ node: process.version, leads: count, visitsPerLead, results })}`);
  } finally {
    dynamoDb.destroy();
    await runtime.stop();
  }
}

await main();
