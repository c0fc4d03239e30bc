import { Readable } from 'node:stream';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { ExportTaskSchema, type ExportTask } from '../contracts/api/exports';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { toEpochSeconds } from '../contracts/table';
import { ExportJobs, type StoredExportJob } from '../adapters/dynamodb/export-jobs';
import { HiddenOrganisationStore } from '../adapters/dynamodb/hidden-organisations';
import { leadQuery } from '../adapters/dynamodb/lead-filters';
import { leadItemFrom } from '../adapters/dynamodb/lead-item';
import { LeadStore } from '../adapters/dynamodb/lead-store';
import { queryPages } from '../adapters/dynamodb/query';
import type { Infrastructure } from '../adapters/infrastructure';
import type { ExportStorage } from '../adapters/s3/export-storage';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hides } from '../domain/leads/hidden';
import { EXPORT_CONTENT_TYPES, exportHeader, exportLines, exportObjectKey } from '../domain/leads/export-format';
import { toLead } from '../domain/leads/views';
import { createLogger, type Logger } from '../platform/logger';

// Runs one export job (invoked asynchronously by the leads API): reads the site's leads page by page from the index,
// with the list's filters, and streams them as CSV or NDJSON into the export storage. Nothing holds more than a page
// of leads (DynamoDB answers at most 1 MB a page) and the upload's two parts in memory, whatever the export's size.

export interface LeadExportDependencies {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly jobs: ExportJobs;
  readonly leads: LeadStore;
  /** The site's hidden organisations: left out of an export as they are out of the list. */
  readonly hidden: HiddenOrganisationStore;
  readonly storage: ExportStorage;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

export function leadExportDependencies(environment: FunctionEnvironment<'leadExport'>, infrastructure: Pick<Infrastructure, 'documentClient' | 'exportStorage'>): LeadExportDependencies {
  const { documentClient: doc } = infrastructure;
  return {
    doc,
    tableName: environment.TABLE_NAME,
    jobs: new ExportJobs(doc, environment.TABLE_NAME),
    leads: new LeadStore(doc, environment.TABLE_NAME, environment.RETENTION),
    hidden: new HiddenOrganisationStore(doc, environment.TABLE_NAME, environment.RETENTION.hiddenOrganisationDays),
    storage: infrastructure.exportStorage(environment.EXPORT_BUCKET),
    logger: createLogger(FUNCTIONS.leadExport.serviceName),
  };
}

/** Visits are one Query per lead: this many at once, in the leads' order. */
const VISIT_READS_IN_FLIGHT = 8;

export function createHandler(deps: LeadExportDependencies) {
  const { jobs, storage, logger } = deps;

  async function run(event: unknown): Promise<{ exportId: string; status: string; leads?: number }> {
    const task: ExportTask = ExportTaskSchema.parse(event);
    const job = await jobs.get(task.siteId, task.exportId, true);
    // Gone (expired) or done by an earlier delivery: Lambda may deliver an asynchronous event more than once.
    if (!job || !(await jobs.start(task.siteId, task.exportId))) return { exportId: task.exportId, status: job?.status ?? 'gone' };
    const counter = { leads: 0 };
    const objectKey = exportObjectKey(job);
    try {
      const { bytes } = await storage.write(objectKey, Readable.from(exportChunks(deps, job, counter)), EXPORT_CONTENT_TYPES[job.format]);
      await jobs.succeed(job.siteId, job.exportId, { leads: counter.leads, bytes, objectKey });
      logger.info('Export written', { siteId: job.siteId, exportId: job.exportId, leads: counter.leads, bytes });
      return { exportId: job.exportId, status: 'succeeded', leads: counter.leads };
    } catch (error) {
      // The caller sees a failed job; Lambda retries the event (start() allows it) and finally sends it, with the
      // error, to the function's on-failure destination.
      await jobs.fail(job.siteId, job.exportId, 'The export failed; it is retried, or create a new one');
      throw error;
    }
  }

  return middy(run).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** The file's text, a page of leads at a time. */
async function* exportChunks(deps: LeadExportDependencies, job: StoredExportJob, counter: { leads: number }): AsyncGenerator<string> {
  const { doc, tableName, leads, hidden, clock = () => new Date() } = deps;
  const rules = await hidden.rules(job.siteId);
  yield exportHeader(job.format, job.visits);
  const input = leadQuery(tableName, job.siteId, job.filters, toEpochSeconds(clock()));
  for await (const items of queryPages(doc, input)) {
    const page = items.map((item) => toLead(leadItemFrom(item))).filter((lead) => !hides(rules, lead.organisation));
    let text = '';
    if (!job.visits) {
      for (const lead of page) text += exportLines(job.format, lead);
    } else {
      for (let start = 0; start < page.length; start += VISIT_READS_IN_FLIGHT) {
        const batch = page.slice(start, start + VISIT_READS_IN_FLIGHT);
        const visits = await Promise.all(batch.map((lead) => leads.publicVisits(job.siteId, lead.leadId)));
        batch.forEach((lead, index) => (text += exportLines(job.format, lead, visits[index] ?? [])));
      }
    }
    counter.leads += page.length;
    if (text) yield text;
  }
}
