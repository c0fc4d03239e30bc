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

export interface CostPerMillion {
  /** Which API Gateway request price was applied. */
  readonly api: 'rest' | 'http';
  /** USD per million page views, per service. */
  readonly byService: ServiceCosts;
  /** USD per million page views, per Lambda function (requests and duration). */
  readonly lambdaByFunction: Readonly<Record<string, number>>;
  readonly total: number;
}

export interface CostOptions {
  /** Price API requests as a REST API (`ingestApi: "rest"`) or as an HTTP API (the default). @default 'rest' */
  readonly api?: 'rest' | 'http';
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
  const apiPrice = api === 'rest' ? prices.apiGatewayRestRequest : prices.apiGatewayHttpRequest;
  const byService: ServiceCosts = {
    apiGateway: scale(counts.apiRequests * unitPrice(apiPrice)),
    lambda: Object.values(lambdaByFunction).reduce((sum, cost) => sum + cost, 0),
    sqs: scale(counts.sqsRequests * unitPrice(prices.sqsStandardRequest)),
    dynamoDb: scale(
      counts.dynamoDbWriteRequestUnits * unitPrice(prices.dynamoDbWriteRequestUnit) +
        counts.dynamoDbReadRequestUnits * unitPrice(prices.dynamoDbReadRequestUnit),
    ),
    kms: scale(counts.kmsRequests * unitPrice(prices.kmsRequest)),
    cloudWatchLogs: scale(
      ((counts.logBytes + counts.apiRequests * (counts.accessLogBytesPerRequest?.[api] ?? 0)) / BYTES_PER_GB) *
        unitPrice(prices.cloudWatchLogsIngestedGb),
    ),
    waf: scale((counts.wafRequests ?? 0) * unitPrice(prices.wafRequest)),
  };
  const total = Object.values(byService).reduce((sum, cost) => sum + cost, 0);
  return { api, byService, lambdaByFunction, total };
}

/** The same run priced with ingest on an HTTP API (the stack's default) and on the REST API, side by side. */
export const compareApiTypes = (counts: MeasuredCounts, prices: PriceList = EU_WEST_1_PRICES) => ({
  rest: costPerMillion(counts, prices, { api: 'rest' }),
  http: costPerMillion(counts, prices, { api: 'http' }),
});

export interface FixedResources {
  readonly webAcls: number;
  readonly wafRules: number;
  readonly kmsKeys: number;
  readonly customMetrics: number;
}

/** What the deployment costs a month before its first page view; does not scale with traffic. */
export function fixedMonthlyCost(resources: FixedResources, prices: PriceList = EU_WEST_1_PRICES) {
  const byItem = {
    waf: resources.webAcls * unitPrice(prices.wafWebAclMonth) + resources.wafRules * unitPrice(prices.wafRuleMonth),
    kms: resources.kmsKeys * unitPrice(prices.kmsKeyMonth),
    cloudWatchMetrics: resources.customMetrics * unitPrice(prices.cloudWatchCustomMetricMonth),
  };
  return { byItem, total: byItem.waf + byItem.kms + byItem.cloudWatchMetrics };
}
