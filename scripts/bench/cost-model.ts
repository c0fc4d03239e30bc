/**
 * Cost per million page views from the totals one benchmark run measured. Pure: the run supplies the counts,
 * prices.ts the prices. List prices of the first tier, no free tier, so the figure is what a steady workload pays
 * at the margin.
 */
import { EU_WEST_1_PRICES, unitPrice, type PriceList } from './prices';

export interface LambdaUsage {
  readonly name: string;
  readonly memoryMb: number;
  readonly invocations: number;
  /** Sum over invocations of the billed duration, each rounded up to 1 ms (see `billedMs`), init included where billed. */
  readonly billedMs: number;
}

export interface MeasuredCounts {
  readonly pageViews: number;
  /** Requests API Gateway received (a beacon may carry several page views). */
  readonly apiRequests: number;
  readonly lambda: readonly LambdaUsage[];
  /** Billable SQS requests: every API call, one per started 64 KB chunk of its payload. */
  readonly sqsRequests: number;
  readonly dynamoDbWriteRequestUnits: number;
  readonly dynamoDbReadRequestUnits: number;
  readonly kmsRequests: number;
  /** Bytes the functions wrote to CloudWatch Logs. */
  readonly logBytes: number;
  /** Bytes of API Gateway's access log line, per API request, by API type. @default none */
  readonly accessLogBytesPerRequest?: { readonly rest: number; readonly http: number };
  /** Requests a WAF web ACL inspected. @default 0 (no WAF in front of the API) */
  readonly wafRequests?: number;
}

export interface ServiceCosts {
  readonly apiGateway: number;
  readonly lambda: number;
  readonly sqs: number;
  readonly dynamoDb: number;
  readonly kms: number;
  readonly cloudWatchLogs: number;
  readonly waf: number;
}

/**
 * Where `POST /v1/events` is served (`ingestApi`): at the ingest function URL (no API Gateway request, no access
 * log line), on the HTTP API or on the REST API.
 */
export type IngestOption = 'functionUrl' | 'http' | 'rest';
export const INGEST_OPTIONS: readonly IngestOption[] = ['functionUrl', 'http', 'rest'];

export interface CostPerMillion {
  /** Which ingest option was priced. */
  readonly api: IngestOption;
  /** USD per million page views, per service. */
  readonly byService: ServiceCosts;
  /** USD per million page views, per Lambda function (requests and duration). */
  readonly lambdaByFunction: Readonly<Record<string, number>>;
  readonly total: number;
}

export interface CostOptions {
  /**
   * Price the ingest requests as served by a REST API (`ingestApi: "rest"`), an HTTP API (`"http"`) or the ingest
   * function URL (`"functionUrl"`: Lambda's own request price only, already in `lambda`). @default 'rest'
   */
  readonly api?: IngestOption;
}

/** Lambda bills duration in 1 ms steps, rounded up. */
export const billedMs = (durationMs: number): number => Math.ceil(durationMs);

/** Lambda's GB-seconds: memory in GB (1024 MB) times billed seconds. */
export const gbSeconds = (memoryMb: number, billedMilliseconds: number): number =>
  (memoryMb / 1024) * (billedMilliseconds / 1000);

/** CloudWatch bills log data per GB; taken here as 2^30 bytes. */
const BYTES_PER_GB = 1024 ** 3;

export function costPerMillion(
  counts: MeasuredCounts,
  prices: PriceList = EU_WEST_1_PRICES,
  { api = 'rest' }: CostOptions = {},
): CostPerMillion {
  if (!(counts.pageViews > 0)) throw new Error('costPerMillion needs at least one page view');
  const perMillion = 1_000_000 / counts.pageViews;
  const scale = (dollars: number) => dollars * perMillion;

  const lambdaByFunction = Object.fromEntries(
    counts.lambda.map((fn) => [
      fn.name,
      scale(
        fn.invocations * unitPrice(prices.lambdaRequest) +
          gbSeconds(fn.memoryMb, fn.billedMs) * unitPrice(prices.lambdaArmGbSecond),
      ),
    ]),
  );
  const apiPrice = api === 'rest' ? unitPrice(prices.apiGatewayRestRequest) : api === 'http' ? unitPrice(prices.apiGatewayHttpRequest) : 0;
  // A function URL writes no access log: the function's own log lines are all there is.
  const accessLogBytes = api === 'functionUrl' ? 0 : (counts.accessLogBytesPerRequest?.[api] ?? 0);
  const byService: ServiceCosts = {
    apiGateway: scale(counts.apiRequests * apiPrice),
    lambda: Object.values(lambdaByFunction).reduce((sum, cost) => sum + cost, 0),
    sqs: scale(counts.sqsRequests * unitPrice(prices.sqsStandardRequest)),
    dynamoDb: scale(
      counts.dynamoDbWriteRequestUnits * unitPrice(prices.dynamoDbWriteRequestUnit) +
        counts.dynamoDbReadRequestUnits * unitPrice(prices.dynamoDbReadRequestUnit),
    ),
    kms: scale(counts.kmsRequests * unitPrice(prices.kmsRequest)),
    cloudWatchLogs: scale(
      ((counts.logBytes + counts.apiRequests * accessLogBytes) / BYTES_PER_GB) *
        unitPrice(prices.cloudWatchLogsIngestedGb),
    ),
    waf: scale((counts.wafRequests ?? 0) * unitPrice(prices.wafRequest)),
  };
  const total = Object.values(byService).reduce((sum, cost) => sum + cost, 0);
  return { api, byService, lambdaByFunction, total };
}

/** The same run priced for each ingest option, side by side (the function URL is the stack's default). */
export const compareIngestOptions = (counts: MeasuredCounts, prices: PriceList = EU_WEST_1_PRICES): Record<IngestOption, CostPerMillion> => ({
  functionUrl: costPerMillion(counts, prices, { api: 'functionUrl' }),
  http: costPerMillion(counts, prices, { api: 'http' }),
  rest: costPerMillion(counts, prices, { api: 'rest' }),
});

export interface FixedResources {
  readonly webAcls: number;
  readonly wafRules: number;
  readonly kmsKeys: number;
  /** Distinct custom metrics (name and dimension values) the functions publish. */
  readonly customMetrics: number;
  /** Metrics the alarms watch, summed over alarms (a metric-math alarm is billed per metric in it). @default 0 */
  readonly alarmMetrics?: number;
  readonly dashboards?: number;
  /** SQS requests a month that do not depend on traffic: the event source mapping's long polls of an idle queue. @default 0 */
  readonly idleSqsRequests?: number;
  /** Invocations a month of scheduled functions, with their memory and typical billed duration. @default none */
  readonly scheduled?: readonly { readonly memoryMb: number; readonly invocations: number; readonly billedMs: number }[];
}

/** What the deployment costs a month before its first page view; does not scale with traffic. */
export function fixedMonthlyCost(resources: FixedResources, prices: PriceList = EU_WEST_1_PRICES) {
  const byItem = {
    waf: resources.webAcls * unitPrice(prices.wafWebAclMonth) + resources.wafRules * unitPrice(prices.wafRuleMonth),
    kms: resources.kmsKeys * unitPrice(prices.kmsKeyMonth),
    cloudWatchMetrics: resources.customMetrics * unitPrice(prices.cloudWatchCustomMetricMonth),
    cloudWatchAlarms: (resources.alarmMetrics ?? 0) * unitPrice(prices.cloudWatchAlarmMetricMonth),
    cloudWatchDashboards: (resources.dashboards ?? 0) * unitPrice(prices.cloudWatchDashboardMonth),
    sqsPolling: (resources.idleSqsRequests ?? 0) * unitPrice(prices.sqsStandardRequest),
    scheduledLambda: (resources.scheduled ?? []).reduce(
      (sum, fn) => sum + fn.invocations * unitPrice(prices.lambdaRequest) + gbSeconds(fn.memoryMb, fn.invocations * fn.billedMs) * unitPrice(prices.lambdaArmGbSecond),
      0,
    ),
  };
  return { byItem, total: Object.values(byItem).reduce((sum, cost) => sum + cost, 0) };
}

/** What a month costs at `pageViewsPerMonth`, and per million page views, fixed costs included. */
export function monthlyCost(perMillion: number, fixedPerMonth: number, pageViewsPerMonth: number) {
  const total = fixedPerMonth + (perMillion * pageViewsPerMonth) / 1_000_000;
  return { total, perMillion: total / (pageViewsPerMonth / 1_000_000) };
}
