import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EXPORT_RETENTION_HOURS, type ExportJob, type ExportRequest, type ExportStatus } from '../../contracts/api/exports';
import type { LeadFilters } from '../../contracts/api/leads';
import { keys, toEpochSeconds } from '../../contracts/table';

/** An export job as the table holds it: what was asked, where it stands, and where its file is. */
export interface StoredExportJob {
  readonly exportId: string;
  readonly siteId: string;
  readonly status: ExportStatus;
  readonly format: ExportJob['format'];
  readonly visits: boolean;
  readonly filters: LeadFilters;
  readonly createdAt: string;
  readonly finishedAt?: string;
  readonly leads?: number;
  readonly bytes?: number;
  /** The file's key in the export storage (when succeeded). */
  readonly objectKey?: string;
  readonly error?: string;
  /** Epoch seconds (the table's TTL attribute): a day after creation, when the bucket's lifecycle deletes the file. */
  readonly expiresAt: number;
}

/** 25 characters of [a-z0-9]: 128 random bits in base 36 (ExportIdSchema). */
export const newExportId = (): string => BigInt(`0x${randomBytes(16).toString('hex')}`).toString(36).padStart(25, '0');

/** Bounds the error text a failed job keeps (the item is size-bounded like every other). */
const MAX_ERROR_LENGTH = 500;

export class ExportJobs {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(siteId: string, request: ExportRequest): Promise<StoredExportJob> {
    const now = this.clock();
    const job: StoredExportJob = {
      exportId: newExportId(),
      siteId,
      status: 'queued',
      format: request.format,
      visits: request.visits,
      filters: request.filters ?? {},
      createdAt: now.toISOString(),
      expiresAt: toEpochSeconds(now) + EXPORT_RETENTION_HOURS * 3600,
    };
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.exportJob(siteId, job.exportId), ...job }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return job;
  }

  /** The job, unless it does not exist or has expired (TTL deletes lazily). */
  async get(siteId: string, exportId: string, consistent = false): Promise<StoredExportJob | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.exportJob(siteId, exportId), ConsistentRead: consistent }));
    if (!Item || typeof Item.expiresAt !== 'number' || Item.expiresAt <= toEpochSeconds(this.clock())) return undefined;
    const { pk: _pk, sk: _sk, ...job } = Item;
    return job as unknown as StoredExportJob;
  }

  /** Moves a queued (or retried) job to running; false when it has already succeeded or is gone. */
  async start(siteId: string, exportId: string): Promise<boolean> {
    return this.update(siteId, exportId, 'SET #status = :running REMOVE #error', { ':running': 'running', ':succeeded': 'succeeded' }, '#status <> :succeeded');
  }

  async succeed(siteId: string, exportId: string, result: { leads: number; bytes: number; objectKey: string }): Promise<void> {
    await this.update(siteId, exportId, 'SET #status = :succeeded, finishedAt = :now, leads = :leads, bytes = :bytes, objectKey = :objectKey', {
      ':succeeded': 'succeeded',
      ':now': this.clock().toISOString(),
      ':leads': result.leads,
      ':bytes': result.bytes,
      ':objectKey': result.objectKey,
    });
  }

  async fail(siteId: string, exportId: string, error: string): Promise<void> {
    await this.update(siteId, exportId, 'SET #status = :failed, finishedAt = :now, #error = :error', {
      ':failed': 'failed',
      ':now': this.clock().toISOString(),
      ':error': error.slice(0, MAX_ERROR_LENGTH),
    });
  }

  private async update(siteId: string, exportId: string, expression: string, values: Record<string, unknown>, condition?: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.exportJob(siteId, exportId),
          UpdateExpression: expression,
          ConditionExpression: ['attribute_exists(pk)', ...(condition ? [condition] : [])].join(' AND '),
          ExpressionAttributeNames: { '#status': 'status', ...(expression.includes('#error') ? { '#error': 'error' } : {}) },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** The public view of a job; `download` is the URL and its expiry once the file exists. */
export function toExportJob(job: StoredExportJob, download?: { url: string; expiresAt: string }): ExportJob {
  return {
    exportId: job.exportId,
    siteId: job.siteId,
    status: job.status,
    format: job.format,
    visits: job.visits,
    filters: job.filters,
    createdAt: job.createdAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.leads !== undefined ? { leads: job.leads } : {}),
    ...(job.bytes !== undefined ? { bytes: job.bytes } : {}),
    ...(download ? { url: download.url, urlExpiresAt: download.expiresAt } : {}),
    ...(job.error ? { error: job.error } : {}),
    expiresAt: new Date(job.expiresAt * 1000).toISOString(),
  };
}
