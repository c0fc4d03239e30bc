/** What `npm run bench` prints: the measured figures, then the cost per million page views. */
import { type CostPerMillion, type fixedMonthlyCost, INGEST_OPTIONS, type IngestOption, type LambdaUsage, monthlyCost } from '../cost-model';
import type { DynamoDbMeterTotals } from '../dynamodb-meter';
import { PRICES_READ_ON } from '../prices';
import type { SqsMeterTotals } from '../sqs-meter';
import type { Sent } from './traffic';

/** The serverless analytics peer the issue names, at 10 M page views a month. */
const PEER_COST_PER_MILLION = 12.9;

const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN;

export interface RunFigures {
  sent: Sent;
  dynamo: DynamoDbMeterTotals;
  queue: SqsMeterTotals;
  lambda: LambdaUsage[];
  counts: { pageViews: number; apiRequests: number; sqsRequests: number; dynamoDbWriteRequestUnits: number; dynamoDbReadRequestUnits: number; logBytes: number; accessLogBytesPerRequest?: { rest: number; http: number } };
  cost: Record<IngestOption, CostPerMillion>;
  /** Mean billed ms per invocation of each function in the unmetered phase, which the cost is priced with. */
  unmeteredMsPerInvocation: Readonly<Record<string, number>>;
  /** Fixed monthly costs of the stack of each ingest option. */
  fixed: Record<IngestOption, ReturnType<typeof fixedMonthlyCost>>;
  customMetrics: number;
  thinkSeconds: number;
  /** Load averages (1, 5, 15 min) when the run ended. */
  load: string;
  latencies: number[];
  pages: number;
  indexReadUnits: number;
  listReadUnits: number;
  handlerLogBytes: number;
  leadSizes: number[];
}

/** The largest attributes' shares of the bytes written, the rest summed. */
function shares(bytesByAttribute: Readonly<Record<string, number>>): string {
  const total = Object.values(bytesByAttribute).reduce((sum, bytes) => sum + bytes, 0);
  if (total === 0) return 'none';
  const sorted = Object.entries(bytesByAttribute).sort(([, a], [, b]) => b - a);
  const shown = sorted.slice(0, 6).map(([name, bytes]) => `${name} ${Math.round((100 * bytes) / total)} %`);
  const rest = sorted.slice(6).reduce((sum, [, bytes]) => sum + bytes, 0);
  return [...shown, ...(rest > 0 ? [`others ${Math.round((100 * rest) / total)} %`] : [])].join(', ');
}

export function report(run: RunFigures, say: (line: string) => void): void {
  const { sent, dynamo, counts, cost, latencies } = run;
  const unmeteredMs = (name: string): string => {
    const ms = run.unmeteredMsPerInvocation[name];
    return ms === undefined ? 'n/a' : String(round(ms, 1));
  };
  const perAccepted = (value: number) => round(value / counts.pageViews, 3);
  const writeUnits = dynamo.writeUnits + dynamo.indexWriteUnits;
  const rows: [string, string][] = [
    ['Page views sent / accepted / of organisations (leads)', `${sent.pageviews} / ${sent.acceptedPageviews} / ${sent.businessPageviews}`],
    ['API requests per accepted page view', `${perAccepted(counts.apiRequests)}`],
    ['Lambda invocations per accepted page view (ingest, enrichment, alerts)', run.lambda.map((fn) => `${fn.name.replace('eirlead-', '')} ${perAccepted(fn.invocations)}`).join(', ')],
    [
      'Lambda billed ms per invocation, local timing on this machine: unmetered phase (priced) / metered phase (the DynamoDB meter reads around every write)',
      run.lambda
        .map((fn) => `${fn.name.replace('eirlead-', '')} ${unmeteredMs(fn.name)} / ${round(fn.billedMs / Math.max(1, fn.invocations), 1)}`)
        .join(', '),
    ],
    // Empty receives depend on how the poller polls (the local one, not Lambda's event source mapping): shown apart.
    ['SQS billable requests per accepted page view (of which empty receives)', `${perAccepted(counts.sqsRequests)} (${perAccepted(run.queue.emptyReceives)})`],
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
    ['Bytes of lead writes by attribute (share of all bytes written to lead items)', shares(dynamo.writtenBytesByAttribute.LEAD ?? {})],
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
  say(`Pace: ${run.thinkSeconds} s between a visitor's pages. Load average at the end (1, 5, 15 min): ${run.load}.`);
  say('');
  say(`AWS cost per million accepted page views, eu-west-1 list prices read ${PRICES_READ_ON} (scripts/bench/prices.ts), by ingest option (the same run priced three ways):`);
  say('');
  say(`| Service | ${INGEST_OPTIONS.map((option) => `${OPTION_NAMES[option]}`).join(' | ')} |`);
  say(`|---|${INGEST_OPTIONS.map(() => '---|').join('')}`);
  for (const service of Object.keys(cost.http.byService) as (keyof CostPerMillion['byService'])[]) {
    say(`| ${service} | ${INGEST_OPTIONS.map((option) => `$${cost[option].byService[service].toFixed(3)}`).join(' | ')} |`);
  }
  say(`| **total** | ${INGEST_OPTIONS.map((option) => `**$${cost[option].total.toFixed(2)}**`).join(' | ')} |`);
  say('');
  say(
    `Against the serverless analytics peer's $${PEER_COST_PER_MILLION}/M: ${INGEST_OPTIONS.map((option) => `${round(PEER_COST_PER_MILLION / cost[option].total, 2)}× (${option})`).join(', ')}.`,
  );
  say('');
  say(`Fixed a month (no free tier; ${run.customMetrics} custom metrics seen in this run): ${INGEST_OPTIONS.map((option) => `${option} $${run.fixed[option].total.toFixed(2)}`).join(', ')}.`);
  say(`  ${Object.entries(run.fixed.functionUrl.byItem).map(([item, usd]) => `${item} $${usd.toFixed(2)}`).join(', ')} (functionUrl)`);
  say('');
  say('A month, fixed costs included (per million page views in brackets); DynamoDB storage and the optional WAF not included:');
  say('');
  say(`| Page views a month | ${INGEST_OPTIONS.map((option) => OPTION_NAMES[option]).join(' | ')} |`);
  say(`|---|${INGEST_OPTIONS.map(() => '---|').join('')}`);
  for (const volume of [100_000, 1_000_000, 10_000_000]) {
    const cells = INGEST_OPTIONS.map((option) => {
      const month = monthlyCost(cost[option].total, run.fixed[option].total, volume);
      return `$${month.total.toFixed(2)} ($${month.perMillion.toFixed(2)}/M)`;
    });
    say(`| ${volume.toLocaleString('en')} | ${cells.join(' | ')} |`);
  }
}

const OPTION_NAMES: Record<IngestOption, string> = {
  functionUrl: 'function URL (default)',
  http: 'HTTP API (`ingestApi: "http"`)',
  rest: 'REST API (`ingestApi: "rest"`)',
};
