import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { CrmJobSchema, CrmScheduleEventSchema, type CrmScheduleEvent } from '../contracts/crm-job';
import type { Site } from '../contracts/deployment-config';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { KEY_PURPOSES } from '../contracts/names';
import { CrmPusher } from '../adapters/crm/pusher';
import { CrmSessions } from '../adapters/crm/sessions';
import { AuditLog } from '../adapters/dynamodb/audit-log';
import { CrmConnectionStore } from '../adapters/dynamodb/crm-connections';
import { CrmCopyStore } from '../adapters/dynamodb/crm-copy';
import { CrmErasure } from '../adapters/dynamodb/crm-erasure';
import { CrmLinkStore } from '../adapters/dynamodb/crm-links';
import { LeadStore } from '../adapters/dynamodb/lead-store';
import type { Infrastructure } from '../adapters/infrastructure';
import { SecretBox } from '../adapters/kms/secret-box';
import { CrmJobQueue } from '../adapters/sqs/crm-jobs';
import { createLogger, type Logger } from '../platform/logger';
import { CrmErasureRun } from './erase-run';
import { CrmSyncRunner } from './sync-run';

// Where CRM accounts are copied and leads matched to them (docs/crm.md): the daily and hourly schedules fan out one
// job per connected site onto the CRM jobs queue; each job (a sync, its continuation, or a matching pass) runs here.

/** How long one CRM request may wait for a 429 to pass inside the sync; a longer wait pauses the run instead. */
const SYNC_MAX_CRM_WAIT_MS = 20_000;

export interface CrmSyncDependencies {
  readonly runner: CrmSyncRunner;
  readonly eraser: CrmErasureRun;
  readonly connections: CrmConnectionStore;
  readonly jobs: CrmJobQueue;
  readonly sites: readonly Site[];
  readonly logger: Logger;
}

export function crmSyncDependencies(
  environment: FunctionEnvironment<'crmSync'>,
  infrastructure: Pick<Infrastructure, 'documentClient' | 'keyService' | 'sqs'>,
  options: { readonly allowLoopback?: boolean } = {},
): CrmSyncDependencies {
  const { documentClient: doc } = infrastructure;
  const { TABLE_NAME: tableName, RETENTION: retention, CRM: runtime } = environment;
  const connections = new CrmConnectionStore(doc, tableName);
  const jobs = new CrmJobQueue(infrastructure.sqs, environment.CRM_JOBS_QUEUE_URL);
  const logger = createLogger(FUNCTIONS.crmSync.serviceName);
  const box = new SecretBox(infrastructure.keyService(environment.KEY_ID), KEY_PURPOSES.integrationSecret);
  const context = { endpoints: runtime.endpoints, policy: { allowLoopback: options.allowLoopback ?? false }, maxWaitMs: SYNC_MAX_CRM_WAIT_MS };
  const links = new CrmLinkStore(doc, tableName);
  const leads = new LeadStore(doc, tableName, retention);
  return {
    runner: new CrmSyncRunner({
      connections,
      copy: new CrmCopyStore(doc, tableName),
      links,
      leads,
      sessions: new CrmSessions(box, context),
      jobs,
      pusher: new CrmPusher({ leads, links, retention, runtime }),
      runtime,
      logger,
    }),
    eraser: new CrmErasureRun({ erasure: new CrmErasure(doc, tableName), audit: new AuditLog(doc, tableName, retention.auditDays), jobs, logger }),
    connections,
    jobs,
    sites: environment.SITES,
    logger,
  };
}

export type CrmSyncEvent = SQSEvent | CrmScheduleEvent;
const isQueueEvent = (event: CrmSyncEvent): event is SQSEvent => 'Records' in event;

export function createHandler({ runner, eraser, connections, jobs, sites, logger }: CrmSyncDependencies) {
  /** A schedule: one job per site with an active connection, so each sync runs (and fails) on its own. */
  async function fanOut(event: CrmScheduleEvent): Promise<{ queued: number }> {
    let queued = 0;
    for (const { siteId } of sites) {
      const connection = await connections.get(siteId);
      if (!connection || connection.status !== 'active') continue;
      await jobs.send({ kind: event.task, siteId, connectionId: connection.connectionId, reason: 'schedule', at: new Date().toISOString() });
      queued++;
    }
    logger.info('CRM schedule fanned out', { task: event.task, queued });
    return { queued };
  }

  async function handle(event: CrmSyncEvent, context: Context): Promise<SQSBatchResponse | { queued: number }> {
    if (!isQueueEvent(event)) return fanOut(CrmScheduleEventSchema.parse(event));
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const job = CrmJobSchema.safeParse(safeJson(record.body));
      // A malformed job can never succeed: logged and dropped rather than retried into the DLQ.
      if (!job.success) {
        logger.error('Malformed CRM job', { messageId: record.messageId });
        continue;
      }
      try {
        const remainingMs = () => context.getRemainingTimeInMillis();
        await (job.data.kind === 'erase' ? eraser.run(job.data, remainingMs) : runner.run(job.data, remainingMs));
      } catch (error) {
        logger.error('CRM job failed', { messageId: record.messageId, kind: job.data.kind, siteId: job.data.siteId, error: error as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  }

  return middy<CrmSyncEvent, SQSBatchResponse | { queued: number }>(handle).use(injectLambdaContext(logger, { resetKeys: true }));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
