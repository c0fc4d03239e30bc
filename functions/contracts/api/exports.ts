import * as z from 'zod';
import { SiteIdSchema } from '../deployment-config';
import { IsoDateTimeSchema } from './common';
import { LeadFiltersSchema } from './leads';

/**
 * Bulk export of a site's leads (`POST /v1/sites/{siteId}/exports`, then `GET .../exports/{exportId}`): an
 * asynchronous job run by the export function, which writes one file (CSV or NDJSON) with every lead the filters
 * select, no cap, and answers with a short-lived pre-signed URL once it is done.
 */

export const ExportFormatSchema = z.enum(['csv', 'ndjson']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExportRequestSchema = z
  .strictObject({
    format: ExportFormatSchema.describe('`ndjson`: one lead per line as the API shows it. `csv`: one row per lead (with `visits`, one row per visit).'),
    visits: z.boolean().default(false).describe("Include each lead's visits (newest first, at most 100 a lead, as `GET .../leads/{leadId}` shows them)."),
    filters: LeadFiltersSchema.optional().describe('The leads list filters; none: every live lead of the site.'),
  })
  .meta({ id: 'ExportRequest' });
export type ExportRequest = z.infer<typeof ExportRequestSchema>;

export const ExportStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type ExportStatus = z.infer<typeof ExportStatusSchema>;

/** Export ids: 25 lower-case letters and digits, made by the API (a random 128-bit value in base 36). */
export const ExportIdSchema = z.string().regex(/^[a-z0-9]{25}$/, 'must be an export id as returned by the API');

export const ExportJobSchema = z
  .object({
    exportId: ExportIdSchema,
    siteId: SiteIdSchema,
    status: ExportStatusSchema,
    format: ExportFormatSchema,
    visits: z.boolean(),
    filters: LeadFiltersSchema,
    createdAt: IsoDateTimeSchema,
    finishedAt: IsoDateTimeSchema.optional(),
    leads: z.int().min(0).optional().describe('Leads written (when succeeded).'),
    bytes: z.int().min(0).optional().describe('Size of the file (when succeeded).'),
    url: z.url().optional().describe('When succeeded: where to download the file, valid until `urlExpiresAt`; read the export again for a fresh one.'),
    urlExpiresAt: IsoDateTimeSchema.optional(),
    error: z.string().max(500).optional().describe('Why the export failed (when failed).'),
    expiresAt: IsoDateTimeSchema.describe('When the export and its file are deleted.'),
  })
  .meta({ id: 'ExportJob' });
export type ExportJob = z.infer<typeof ExportJobSchema>;

/** What the API hands the export function (asynchronous invocation): which job to run. */
export const ExportTaskSchema = z.strictObject({ siteId: SiteIdSchema, exportId: ExportIdSchema });
export type ExportTask = z.infer<typeof ExportTaskSchema>;

/** How long a download link works. */
export const EXPORT_URL_SECONDS = 15 * 60;
/** How long an export (the job record and its file) is kept: the bucket's lifecycle rule deletes the file after a day. */
export const EXPORT_RETENTION_HOURS = 24;
