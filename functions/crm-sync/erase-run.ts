import type { CrmJob } from '../contracts/crm-job';
import type { AuditLog } from '../adapters/dynamodb/audit-log';
import { addCounts, type CrmErasure } from '../adapters/dynamodb/crm-erasure';
import type { CrmJobQueue } from '../adapters/sqs/crm-jobs';
import type { Logger } from '../platform/logger';

/** Stops deleting with this much of the invocation left, to queue the next part and record what was done. */
const SAFETY_MARGIN_MS = 60_000;

/**
 * Finishes a disconnect whose copy was too large to delete within the API request (`erase` jobs): deletes until
 * the invocation nears its limit, queues the rest as another job carrying the counts so far, and the run that
 * deletes the connection item records the receipt in the audit trail, once.
 */
export class CrmErasureRun {
  constructor(
    private readonly deps: {
      readonly erasure: CrmErasure;
      readonly audit: AuditLog;
      readonly jobs: CrmJobQueue;
      readonly logger: Logger;
    },
  ) {}

  async run(job: CrmJob, remainingMs: () => number): Promise<void> {
    const { erasure, audit, jobs, logger } = this.deps;
    const receipt = job.erasure;
    if (!receipt) return void logger.error('CRM erase job without its receipt', { siteId: job.siteId, connectionId: job.connectionId });
    const { deleted, done } = await erasure.deleteEverything(job.siteId, erasure.nowMs() + remainingMs() - SAFETY_MARGIN_MS);
    const total = addCounts(receipt.deleted, deleted);
    const at = new Date(erasure.nowMs()).toISOString();
    if (!done) {
      await jobs.send({ ...job, reason: 'continuation', erasure: { ...receipt, deleted: total }, at });
      return void logger.info('CRM disconnect continues', { siteId: job.siteId, connectionId: job.connectionId, ...total });
    }
    // A second delivery of a finished job finds nothing left to delete: the receipt is already in the audit trail.
    if (Object.values(deleted).every((count) => count === 0)) return;
    const { keyId, provider, tokenRevoked } = receipt;
    await audit.record({ keyId, action: 'crm.disconnect', siteId: job.siteId, target: job.connectionId, details: { provider, tokenRevoked, ...total } });
    logger.info('CRM disconnected', { siteId: job.siteId, connectionId: job.connectionId, ...total, tokenRevoked });
  }
}
