import type { APIGatewayProxyResult } from 'aws-lambda';
import { EXPORT_URL_SECONDS, ExportRequestSchema, type ExportTask } from '../contracts/api/exports';
import type { AuditLog } from '../adapters/dynamodb/audit-log';
import { type ExportJobs, toExportJob } from '../adapters/dynamodb/export-jobs';
import type { ExportStorage } from '../adapters/s3/export-storage';
import { exportFileName } from '../domain/leads/export-format';
import { json, notFound, parseWith } from '../platform/http';
import type { Logger } from '../platform/logger';

/**
 * `POST /v1/sites/{siteId}/exports` and `GET .../exports/{exportId}`: the job is recorded, then handed to the
 * export function (asynchronous invocation, which Lambda retries and sends to the function's on-failure
 * destination); the GET answers its status and, once the file exists, a pre-signed URL valid 15 minutes.
 */
export interface ExportOperationsDependencies {
  readonly jobs: ExportJobs;
  readonly storage: ExportStorage;
  readonly audit: AuditLog;
  readonly logger: Logger;
  /** Hands one job to the export function. */
  readonly startExport: (task: ExportTask) => Promise<void>;
  readonly clock?: () => Date;
}

export function exportOperations({ jobs, storage, audit, logger, startExport, clock = () => new Date() }: ExportOperationsDependencies) {
  return {
    async create(siteId: string, keyId: string, body: unknown): Promise<APIGatewayProxyResult> {
      const request = parseWith(ExportRequestSchema, body);
      const job = await jobs.create(siteId, request);
      // Audited before the export runs: an export that happened is never missing from the trail.
      await audit.record({ keyId, action: 'export.create', siteId, target: job.exportId });
      try {
        await startExport({ siteId, exportId: job.exportId });
      } catch (error) {
        await jobs.fail(siteId, job.exportId, 'The export could not be started; create a new one');
        throw error;
      }
      logger.info('Export queued', { keyId, siteId, exportId: job.exportId, format: job.format, visits: job.visits });
      return json(202, toExportJob(job), { Location: `/v1/sites/${siteId}/exports/${job.exportId}` });
    },

    async read(siteId: string, keyId: string, exportId: string): Promise<APIGatewayProxyResult> {
      // The path's exportId is checked by the dispatch (ExportIdSchema) before this runs.
      const job = await jobs.get(siteId, exportId);
      if (!job) throw notFound(`No export ${exportId} on site ${siteId}`);
      if (job.status !== 'succeeded' || !job.objectKey) return json(200, toExportJob(job));
      // Handing out a link is what reads the data: that is the audited read.
      await audit.record({ keyId, action: 'export.read', siteId, target: job.exportId });
      const url = await storage.downloadUrl(job.objectKey, EXPORT_URL_SECONDS, exportFileName(job));
      const expiresAt = new Date(clock().getTime() + EXPORT_URL_SECONDS * 1000).toISOString();
      return json(200, toExportJob(job, { url, expiresAt }));
    },
  };
}
