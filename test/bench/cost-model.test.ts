import {
  billedMs,
  compareIngestOptions,
  costPerMillion,
  fixedMonthlyCost,
  gbSeconds,
  type MeasuredCounts,
  monthlyCost,
} from '../../scripts/bench/cost-model';
import { REST_API_ACCESS_LOG_FORMAT } from '../../lib/constructs/rest-api';
import { PUBLIC_API_ACCESS_LOG_FORMAT } from '../../lib/constructs/public-http-api';
import { accessLogLineBytes, LOG_EVENT_OVERHEAD_BYTES } from '../../scripts/bench/access-log';
import { EU_WEST_1_PRICES, type Price, type PriceList } from '../../scripts/bench/prices';

/** Round prices, so every expected figure below can be checked by hand and none moves when AWS changes a price. */
const round = (price: Price, usd: number): Price => ({ ...price, usd });
const PRICES: PriceList = {
  ...EU_WEST_1_PRICES,
  apiGatewayRestRequest: round(EU_WEST_1_PRICES.apiGatewayRestRequest, 4), // per million
  apiGatewayHttpRequest: round(EU_WEST_1_PRICES.apiGatewayHttpRequest, 1), // per million
  lambdaRequest: round(EU_WEST_1_PRICES.lambdaRequest, 0.2), // per million
  lambdaArmGbSecond: round(EU_WEST_1_PRICES.lambdaArmGbSecond, 0.00001), // per GB-second
  sqsStandardRequest: round(EU_WEST_1_PRICES.sqsStandardRequest, 0.4), // per million
  dynamoDbWriteRequestUnit: round(EU_WEST_1_PRICES.dynamoDbWriteRequestUnit, 1), // per million
  dynamoDbReadRequestUnit: round(EU_WEST_1_PRICES.dynamoDbReadRequestUnit, 0.25), // per million
  kmsRequest: round(EU_WEST_1_PRICES.kmsRequest, 0.03), // per 10,000
  cloudWatchLogsIngestedGb: round(EU_WEST_1_PRICES.cloudWatchLogsIngestedGb, 0.5), // per GB
  wafRequest: round(EU_WEST_1_PRICES.wafRequest, 0.6), // per million
};

/** 2,000 page views, so every per-run dollar figure is multiplied by 500 to give "per million page views". */
const RUN: MeasuredCounts = {
  pageViews: 2_000,
  apiRequests: 1_000,
  lambda: [
    { name: 'ingest', memoryMb: 128, invocations: 1_000, billedMs: 8_000 }, // 0.125 GB × 8 s = 1 GB-s
    { name: 'enrichment', memoryMb: 1_024, invocations: 100, billedMs: 4_000 }, // 1 GB × 4 s = 4 GB-s
  ],
  sqsRequests: 300,
  dynamoDbWriteRequestUnits: 4_000,
  dynamoDbReadRequestUnits: 1_000,
  kmsRequests: 40,
  logBytes: 1024 ** 2, // 1/1024 GB
  wafRequests: 1_000,
};

describe('costPerMillion', () => {
  it('prices each service per million page views', () => {
    const cost = costPerMillion(RUN, PRICES);

    expect(cost.api).toBe('rest');
    expect(cost.byService.apiGateway).toBeCloseTo(2, 10); // 1,000 × $4/M × 500
    expect(cost.lambdaByFunction.ingest).toBeCloseTo(0.105, 10); // (1,000 × $0.2/M + 1 GB-s × $0.00001) × 500
    expect(cost.lambdaByFunction.enrichment).toBeCloseTo(0.03, 10); // (100 × $0.2/M + 4 GB-s × $0.00001) × 500
    expect(cost.byService.lambda).toBeCloseTo(0.135, 10);
    expect(cost.byService.sqs).toBeCloseTo(0.06, 10); // 300 × $0.4/M × 500
    expect(cost.byService.dynamoDb).toBeCloseTo(2.125, 10); // (4,000 × $1/M + 1,000 × $0.25/M) × 500
    expect(cost.byService.kms).toBeCloseTo(0.06, 10); // 40 × $0.03/10k × 500
    expect(cost.byService.cloudWatchLogs).toBeCloseTo(0.244140625, 10); // 1/1024 GB × $0.5 × 500
    expect(cost.byService.waf).toBeCloseTo(0.3, 10); // 1,000 × $0.6/M × 500
    expect(cost.total).toBeCloseTo(4.924140625, 10);
  });

  it('prices the same run with an HTTP API for comparison, changing only API Gateway', () => {
    const { rest, http } = compareIngestOptions(RUN, PRICES);

    expect(http.api).toBe('http');
    expect(http.byService.apiGateway).toBeCloseTo(0.5, 10); // 1,000 × $1/M × 500
    expect(http.total).toBeCloseTo(rest.total - 1.5, 10);
    expect({ ...http.byService, apiGateway: 0 }).toEqual({ ...rest.byService, apiGateway: 0 });
  });

  it('prices ingest at the function URL without API Gateway requests or access log lines, all else the same', () => {
    const counts = { ...RUN, accessLogBytesPerRequest: { rest: 1024 ** 2, http: 1024 ** 2 } };
    const { functionUrl, http } = compareIngestOptions(counts, PRICES);

    expect(functionUrl.api).toBe('functionUrl');
    expect(functionUrl.byService.apiGateway).toBe(0);
    expect(functionUrl.byService.cloudWatchLogs).toBeCloseTo(0.244140625, 10); // the functions' log only
    expect(http.byService.cloudWatchLogs).toBeCloseTo(0.244140625 + 244.140625, 6); // + 1,000 lines of 1 MB
    expect({ ...functionUrl.byService, apiGateway: 0, cloudWatchLogs: 0 }).toEqual({ ...http.byService, apiGateway: 0, cloudWatchLogs: 0 });
  });

  it('charges nothing for WAF when the run had none in front of the API', () => {
    const { wafRequests: _none, ...withoutWaf } = RUN;
    expect(costPerMillion(withoutWaf, PRICES).byService.waf).toBe(0);
  });

  it('refuses a run without page views', () => {
    expect(() => costPerMillion({ ...RUN, pageViews: 0 }, PRICES)).toThrow('at least one page view');
  });

  it('uses the eu-west-1 list prices by default', () => {
    const cost = costPerMillion(RUN);
    // 1,000 REST requests × $3.50/M × 500.
    expect(cost.byService.apiGateway).toBeCloseTo(1.75, 10);
  });
});

describe('Lambda billing units', () => {
  it('rounds billed duration up to the next millisecond', () => {
    expect(billedMs(12)).toBe(12);
    expect(billedMs(12.01)).toBe(13);
    expect(billedMs(0.2)).toBe(1);
  });

  it('converts memory and billed milliseconds to GB-seconds', () => {
    expect(gbSeconds(512, 1_500)).toBe(0.75);
    expect(gbSeconds(128, 8_000)).toBe(1);
  });
});

describe('fixedMonthlyCost', () => {
  it('adds web ACLs, rules, keys and custom metrics at eu-west-1 list prices', () => {
    const cost = fixedMonthlyCost({ webAcls: 1, wafRules: 3, kmsKeys: 1, customMetrics: 2 });

    expect(cost.byItem).toMatchObject({ waf: 8, kms: 1, cloudWatchMetrics: 0.6, cloudWatchAlarms: 0, cloudWatchDashboards: 0, sqsPolling: 0, scheduledLambda: 0 });
    expect(cost.total).toBeCloseTo(9.6, 10);
  });

  it('adds alarm metrics, dashboards, idle queue polls and scheduled runs', () => {
    const cost = fixedMonthlyCost(
      { webAcls: 0, wafRules: 0, kmsKeys: 0, customMetrics: 0, alarmMetrics: 10, dashboards: 1, idleSqsRequests: 1_000_000, scheduled: [{ memoryMb: 1024, invocations: 1_000, billedMs: 1_000 }] },
      PRICES,
    );
    // $0.10 × 10; $3; 1 M × $0.4/M; 1,000 × $0.2/M + 1,000 GB-s × $0.00001.
    expect(cost.byItem).toMatchObject({ cloudWatchAlarms: 1, cloudWatchDashboards: 3, sqsPolling: 0.4 });
    expect(cost.byItem.scheduledLambda).toBeCloseTo(0.0002 + 0.01, 10);
    expect(cost.total).toBeCloseTo(4.4102, 10);
  });
});

describe('monthlyCost', () => {
  it('spreads the fixed costs over the month\'s page views', () => {
    const small = monthlyCost(2, 10, 100_000);
    expect(small.total).toBeCloseTo(10.2, 10);
    expect(small.perMillion).toBeCloseTo(102, 10);
    const large = monthlyCost(2, 10, 10_000_000);
    expect(large.total).toBeCloseTo(30, 10);
    expect(large.perMillion).toBeCloseTo(3, 10);
  });
});

describe('the eu-west-1 price file', () => {
  const entries = Object.entries(EU_WEST_1_PRICES).filter((entry): entry is [string, Price] => typeof entry[1] === 'object');

  it('is for eu-west-1 and says when it was read', () => {
    expect(EU_WEST_1_PRICES.region).toBe('eu-west-1');
    expect(EU_WEST_1_PRICES.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(entries).toHaveLength(17);
  });

  it.each(entries)('%s has a positive price, a unit, https sources and a note', (_name, price) => {
    expect(price.usd).toBeGreaterThan(0);
    expect(price.per).toBeGreaterThan(0);
    expect(price.unit.length).toBeGreaterThan(0);
    expect(price.sources.length).toBeGreaterThan(0);
    price.sources.forEach((source) => expect(source).toMatch(/^https:\/\//));
    expect(price.note.length).toBeGreaterThan(0);
  });

  it('halves the pre-November-2024 DynamoDB on-demand prices', () => {
    expect(EU_WEST_1_PRICES.dynamoDbWriteRequestUnit.usd).toBe(1.4135 / 2);
    expect(EU_WEST_1_PRICES.dynamoDbReadRequestUnit.usd).toBe(0.283 / 2);
  });
});

describe('API access log lines', () => {
  it('are sized from the stack\'s own formats, with the per-event metadata CloudWatch counts', () => {
    const http = accessLogLineBytes(PUBLIC_API_ACCESS_LOG_FORMAT.toString());
    const rest = accessLogLineBytes(REST_API_ACCESS_LOG_FORMAT.toString());
    expect(http).toBeGreaterThan(250);
    expect(http).toBeLessThan(450);
    expect(rest).toBeGreaterThan(250);
    expect(accessLogLineBytes('{"status":"$context.status"}')).toBe('{"status":"202"}'.length + LOG_EVENT_OVERHEAD_BYTES);
  });

  it('refuse a format with a variable they have no typical value for', () => {
    expect(() => accessLogLineBytes('{"ip":"$context.identity.sourceIp"}')).toThrow('$context.identity.sourceIp');
  });

  it('are priced per API request, by API type', () => {
    const counts = { ...RUN, logBytes: 0, accessLogBytesPerRequest: { rest: 1024 ** 2, http: 0 } };
    const { rest, http } = compareIngestOptions(counts, PRICES);
    expect(rest.byService.cloudWatchLogs).toBeCloseTo(1_000 * (1 / 1024) * 0.5 * 500, 6); // 1,000 requests × 1 MB
    expect(http.byService.cloudWatchLogs).toBe(0);
  });
});
