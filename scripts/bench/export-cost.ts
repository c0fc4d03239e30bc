import { EU_WEST_1_PRICES, type Price, unitPrice } from './prices';

/**
 * What one export costs on AWS in eu-west-1, by a stated model (npm run bench:export prints it with the inputs it
 * measured). The AWS side of an export: one asynchronous invocation of the export function for the job's duration;
 * the index Query pages it reads (eventually consistent); with visits, one Query per lead; a multipart upload in
 * 8 MB parts to the export bucket (SSE-KMS with a bucket key), kept a day; the leads API calls around it (create,
 * polls, read) through the REST API; one download.
 */

/** S3 prices are not in ./prices (the cost benchmark's list): the best-known eu-west-1 list prices, unverified. */
export const S3_EU_WEST_1 = {
  standardGbMonth: {
    usd: 0.023,
    per: 1,
    unit: 'GB-month of S3 Standard (first 50 TB)',
    sources: ['https://aws.amazon.com/s3/pricing/'],
    verified: false,
    note: 'Best-known eu-west-1 list price; the stored pages read did not show the Ireland table.',
  },
  putRequest: {
    usd: 0.005,
    per: 1000,
    unit: 'PUT, COPY, POST or LIST request (a multipart upload: one per part, plus create and complete)',
    sources: ['https://aws.amazon.com/s3/pricing/'],
    verified: false,
    note: 'Best-known eu-west-1 list price.',
  },
  getRequest: { usd: 0.0004, per: 1000, unit: 'GET request', sources: ['https://aws.amazon.com/s3/pricing/'], verified: false, note: 'Best-known eu-west-1 list price.' },
  transferOutGb: {
    usd: 0.09,
    per: 1,
    unit: 'GB transferred out to the internet (after the first 100 GB a month, which are free)',
    sources: ['https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer'],
    verified: false,
    note: 'Best-known eu-west-1 list price; zero when the download stays in eu-west-1 or falls in the free 100 GB.',
  },
} as const satisfies Record<string, Price>;

export interface ExportMeasurement {
  readonly leads: number;
  /** The export function's run time (the job's createdAt to finishedAt, measured locally). */
  readonly durationSeconds: number;
  readonly fileBytes: number;
  /** Sizes of the index entries the export reads (capacity-units.ts indexEntrySize). */
  readonly indexBytes: number;
  /** With visits: the bytes of each lead's visit items, one Query each; 0 without. */
  readonly visitQueryBytes: readonly number[];
  /** How often the caller polls the export (the CLI: every second). */
  readonly pollIntervalSeconds: number;
}

export interface ExportCost {
  readonly lines: ReadonlyArray<{ readonly item: string; readonly quantity: string; readonly usd: number }>;
  readonly totalUsd: number;
  readonly totalWithTransferUsd: number;
}

const GB = 1024 ** 3;
const PART_BYTES = 8 * 1024 * 1024;
const READ_BLOCK = 4096;
const PAGE_BYTES = 1024 * 1024;
/** The export function's memory (functions/contracts/functions.ts), and the leads API's for its few calls. */
export function exportCost(m: ExportMeasurement, exportMemoryMb: number, apiMemoryMb: number, apiCallSeconds = 0.1): ExportCost {
  const p = EU_WEST_1_PRICES;
  // A Query is billed on the bytes it read, rounded up to 4 KB, half a unit when eventually consistent; 1 MB pages.
  const pages = Math.max(1, Math.ceil(m.indexBytes / PAGE_BYTES));
  const indexUnits = Math.ceil(m.indexBytes / READ_BLOCK) / 2 + pages * 0.5;
  const visitUnits = m.visitQueryBytes.reduce((sum, bytes) => sum + Math.max(1, Math.ceil(bytes / READ_BLOCK)) / 2, 0);
  const polls = Math.ceil(m.durationSeconds / m.pollIntervalSeconds) + 1;
  const apiCalls = polls + 1;
  const parts = Math.max(1, Math.ceil(m.fileBytes / PART_BYTES));
  const putRequests = parts + 2;
  const gbSeconds = (exportMemoryMb / 1024) * m.durationSeconds + (apiMemoryMb / 1024) * apiCallSeconds * apiCalls;
  const lines = [
    { item: 'Lambda compute (export job + API calls, arm64)', quantity: `${gbSeconds.toFixed(1)} GB-s`, usd: gbSeconds * unitPrice(p.lambdaArmGbSecond) },
    { item: 'Lambda requests', quantity: `${apiCalls + 1}`, usd: (apiCalls + 1) * unitPrice(p.lambdaRequest) },
    { item: 'REST API requests (create, polls, read)', quantity: `${apiCalls}`, usd: apiCalls * unitPrice(p.apiGatewayRestRequest) },
    { item: 'DynamoDB read request units (index pages)', quantity: `${indexUnits.toFixed(0)}`, usd: indexUnits * unitPrice(p.dynamoDbReadRequestUnit) },
    { item: 'DynamoDB read request units (visits, a Query a lead)', quantity: `${visitUnits.toFixed(0)}`, usd: visitUnits * unitPrice(p.dynamoDbReadRequestUnit) },
    { item: 'S3 PUT requests (multipart upload)', quantity: `${putRequests}`, usd: putRequests * unitPrice(S3_EU_WEST_1.putRequest) },
    { item: 'S3 storage, one day', quantity: `${(m.fileBytes / GB).toFixed(3)} GB`, usd: (m.fileBytes / GB) * unitPrice(S3_EU_WEST_1.standardGbMonth) / 30 },
    { item: 'S3 GET (the download)', quantity: '1', usd: unitPrice(S3_EU_WEST_1.getRequest) },
    // With a bucket key, S3 asks KMS for a key per bucket and period, not per object: a request or two an export.
    { item: 'KMS requests (bucket key: data key, decrypt)', quantity: '2', usd: 2 * unitPrice(p.kmsRequest) },
  ];
  const totalUsd = lines.reduce((sum, line) => sum + line.usd, 0);
  return { lines, totalUsd, totalWithTransferUsd: totalUsd + (m.fileBytes / GB) * unitPrice(S3_EU_WEST_1.transferOutGb) };
}
