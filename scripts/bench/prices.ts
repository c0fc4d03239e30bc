/**
 * AWS list prices for eu-west-1 (Europe, Ireland), on-demand, USD, the first (lowest-volume) tier, without free tiers:
 * the one file the cost benchmark reads its prices from.
 *
 * Read on PRICES_READ_ON from stored copies of the pages named in each entry (the copies may be older than that
 * date). AWS renders its regional price tables with JavaScript, so the stored pages often show the US East figure
 * or none. `verified: true` means a source read states this figure for eu-west-1, or states the figure and that it
 * is the same in every region; `verified: false` marks the best-known list price and says why it is not verified.
 * Check the unverified ones on the AWS pricing pages (region selector: Europe (Ireland)) before quoting a result.
 */

export interface Price {
  /** Price in US dollars for `per` units. Kept as AWS publishes it (e.g. per million) to add no precision. */
  readonly usd: number;
  readonly per: number;
  readonly unit: string;
  readonly sources: readonly string[];
  readonly verified: boolean;
  readonly note: string;
}

export interface PriceList {
  readonly region: string;
  readonly readOn: string;
  readonly apiGatewayRestRequest: Price;
  readonly apiGatewayHttpRequest: Price;
  readonly lambdaRequest: Price;
  readonly lambdaArmGbSecond: Price;
  readonly sqsStandardRequest: Price;
  readonly dynamoDbWriteRequestUnit: Price;
  readonly dynamoDbReadRequestUnit: Price;
  readonly dynamoDbStorageGbMonth: Price;
  readonly kmsRequest: Price;
  readonly kmsKeyMonth: Price;
  readonly cloudWatchLogsIngestedGb: Price;
  readonly cloudWatchCustomMetricMonth: Price;
  readonly cloudWatchAlarmMetricMonth: Price;
  readonly cloudWatchDashboardMonth: Price;
  readonly wafWebAclMonth: Price;
  readonly wafRuleMonth: Price;
  readonly wafRequest: Price;
}

/** Dollars for one unit of a price. */
export const unitPrice = (price: Price): number => price.usd / price.per;

export const PRICES_READ_ON = '2026-11-25';

const MILLION = 1_000_000;

export const EU_WEST_1_PRICES: PriceList = {
  region: 'eu-west-1',
  readOn: PRICES_READ_ON,
  apiGatewayRestRequest: {
    usd: 3.5,
    per: MILLION,
    unit: 'REST API request (first 333 million a month)',
    sources: [
      'https://aws.amazon.com/api-gateway/pricing/',
      'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html',
    ],
    verified: false,
    note: 'The AWS whitepaper table gives $3.50 per million for REST APIs without naming a region; $3.50 is also the best-known eu-west-1 figure.',
  },
  apiGatewayHttpRequest: {
    usd: 1.11,
    per: MILLION,
    unit: 'HTTP API request of up to 512 KB (first 300 million a month)',
    sources: ['https://aws.amazon.com/api-gateway/pricing/'],
    verified: false,
    note: 'Sources read give only the us-east-1 figure ($1.00 per million); $1.11 is the best-known eu-west-1 list price. The stack serves ingest from an HTTP API by default (ingestApi: "http").',
  },
  lambdaRequest: {
    usd: 0.2,
    per: MILLION,
    unit: 'Lambda invocation',
    sources: ['https://aws.amazon.com/lambda/pricing/'],
    verified: false,
    note: 'Stored pages quote US East; eu-west-1 has the same request price to best knowledge.',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 1,
    unit: 'GB-second of arm64 duration (first 7.5 billion GB-seconds a month)',
    sources: ['https://aws.amazon.com/lambda/pricing/', 'https://cloudchipr.com/blog/aws-lambda-pricing'],
    verified: false,
    note: 'The figure is quoted for US East; eu-west-1 has the same arm64 price to best knowledge. Duration is billed per 1 ms, rounded up.',
  },
  sqsStandardRequest: {
    usd: 0.4,
    per: MILLION,
    unit: 'SQS standard-queue request; each 64 KB chunk of a payload is one request (first 100 billion a month)',
    sources: ['https://aws.amazon.com/sqs/pricing/', 'https://cloudburn.io/blog/amazon-sqs-pricing'],
    verified: false,
    note: 'Sources read quote US East; eu-west-1 has the same price to best knowledge.',
  },
  dynamoDbWriteRequestUnit: {
    usd: 0.70675,
    per: MILLION,
    unit: 'DynamoDB on-demand write request unit (Standard table class)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      'https://engineering-ed7.pages.dev/docs/architecture/aws/services/dynamodb',
      'https://www.jusdb.com/blog/dynamodb-cost-optimization-a-comprehensive-guide-by-jusdb',
    ],
    verified: false,
    note:
      'Derived, not read: half of the pre-November-2024 eu-west-1 price of $1.4135 per million (quoted by a third-party page ' +
      'with eu-west-1 figures), after the 50% on-demand price cut effective 1 November 2024. AWS may round the published figure.',
  },
  dynamoDbReadRequestUnit: {
    usd: 0.1415,
    per: MILLION,
    unit: 'DynamoDB on-demand read request unit (Standard table class)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      'https://engineering-ed7.pages.dev/docs/architecture/aws/services/dynamodb',
      'https://www.jusdb.com/blog/dynamodb-cost-optimization-a-comprehensive-guide-by-jusdb',
    ],
    verified: false,
    note: 'Derived, not read: half of the pre-November-2024 eu-west-1 price of $0.283 per million, after the 50% cut of 1 November 2024.',
  },
  dynamoDbStorageGbMonth: {
    usd: 0.283,
    per: 1,
    unit: 'GB-month of DynamoDB Standard table storage, including indexes and 100 bytes per item (after 25 GB free)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      'https://engineering-ed7.pages.dev/docs/architecture/aws/services/dynamodb',
    ],
    verified: false,
    note: 'From a third-party page whose figures match eu-west-1 but that names no region; the 2024 cut did not change storage.',
  },
  kmsRequest: {
    usd: 0.03,
    per: 10_000,
    unit: 'KMS API request (symmetric key)',
    sources: ['https://aws.amazon.com/kms/pricing/'],
    verified: false,
    note: 'The stored pricing page states $0.03 per 10,000 requests without a region table; the same in eu-west-1 to best knowledge.',
  },
  kmsKeyMonth: {
    usd: 1,
    per: 1,
    unit: 'customer managed KMS key-month (plus $1 a month per rotated backing key)',
    sources: ['https://aws.amazon.com/kms/pricing/'],
    verified: true,
    note: 'The pricing page states $1/month for each KMS key, with no regional variation.',
  },
  cloudWatchLogsIngestedGb: {
    usd: 0.57,
    per: 1,
    unit: 'GB of CloudWatch Logs ingested (Standard class; Lambda logs are tiered vended logs, starting at this rate)',
    sources: ['https://aws.amazon.com/cloudwatch/pricing/'],
    verified: false,
    note: 'Not found in the sources read (they give $0.50 for US East); $0.57 is the best-known eu-west-1 figure.',
  },
  cloudWatchCustomMetricMonth: {
    usd: 0.3,
    per: 1,
    unit: 'custom metric-month (first 10,000 metrics)',
    sources: ['https://aws.amazon.com/cloudwatch/pricing/'],
    verified: false,
    note: 'Best-known list price, the same in eu-west-1 to best knowledge; not found with a region in the sources read.',
  },
  cloudWatchAlarmMetricMonth: {
    usd: 0.1,
    per: 1,
    unit: 'standard-resolution alarm metric-month (a metric-math alarm counts each metric it reads)',
    sources: ['https://aws.amazon.com/cloudwatch/pricing/'],
    verified: false,
    note: 'Best-known list price ($0.10 per alarm metric, the same in eu-west-1 to best knowledge); the first 10 are free, not counted here.',
  },
  cloudWatchDashboardMonth: {
    usd: 3,
    per: 1,
    unit: 'dashboard-month (the first three of an account are free, not counted here)',
    sources: ['https://aws.amazon.com/cloudwatch/pricing/'],
    verified: false,
    note: 'Best-known list price; not found with a region in the sources read.',
  },
  wafWebAclMonth: {
    usd: 5,
    per: 1,
    unit: 'WAF web ACL-month (prorated hourly)',
    sources: [
      'https://aws.amazon.com/waf/pricing/',
      'https://aws.amazon.com/blogs/networking-and-content-delivery/cost-effective-ways-for-securing-your-web-applications-using-aws-waf/',
      'https://c3x.dev/blog/aws-waf-cost-explained/',
    ],
    verified: true,
    note: 'The AWS blog states WAF pricing is the same in all regions; the figure is from the third-party page.',
  },
  wafRuleMonth: {
    usd: 1,
    per: 1,
    unit: 'WAF rule or managed rule group-month (paid managed groups cost extra)',
    sources: [
      'https://aws.amazon.com/waf/pricing/',
      'https://aws.amazon.com/blogs/networking-and-content-delivery/cost-effective-ways-for-securing-your-web-applications-using-aws-waf/',
      'https://c3x.dev/blog/aws-waf-cost-explained/',
    ],
    verified: true,
    note: 'As for the web ACL.',
  },
  wafRequest: {
    usd: 0.6,
    per: MILLION,
    unit: 'web request inspected by WAF (allowed or blocked)',
    sources: [
      'https://aws.amazon.com/waf/pricing/',
      'https://aws.amazon.com/blogs/networking-and-content-delivery/cost-effective-ways-for-securing-your-web-applications-using-aws-waf/',
      'https://c3x.dev/blog/aws-waf-cost-explained/',
    ],
    verified: true,
    note: 'As for the web ACL.',
  },
};
