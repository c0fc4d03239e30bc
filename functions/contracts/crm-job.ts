import * as z from 'zod';
import { DeletionCountsSchema, TokenRevokedSchema } from './api/crm';
import { CrmProviderSchema } from './api/crm-lead';
import { SiteIdSchema } from './deployment-config';

/**
 * A message on the CRM jobs queue, read by the sync function: sync a connection (asked for through the API, or by
 * the daily schedule), continue a run that reached the function's time limit, or match the leads seen since the
 * last run against the copy (the hourly schedule). Ids only; never credentials or CRM data.
 */
export const CrmJobSchema = z.strictObject({
  kind: z.enum(['sync', 'continue', 'match', 'erase']),
  siteId: SiteIdSchema,
  connectionId: z.string().regex(/^[a-z0-9]{1,32}$/),
  reason: z.enum(['schedule', 'api', 'continuation']),
  /** A continuation names its run, so a stale one (the run was restarted since) is dropped. */
  runId: z.string().max(64).optional(),
  /** An `erase` job: the disconnect it finishes, for the receipt (counts and ids only). */
  erasure: z
    .strictObject({
      keyId: z.string().max(128),
      provider: CrmProviderSchema,
      tokenRevoked: TokenRevokedSchema,
      deleted: DeletionCountsSchema,
    })
    .optional(),
  at: z.iso.datetime({ offset: true }),
});
export type CrmJob = z.infer<typeof CrmJobSchema>;

/** What the schedules send the sync function (EventBridge rule input): which of the two tasks to fan out. */
export const CrmScheduleEventSchema = z.object({ task: z.enum(['sync', 'match']) });
export type CrmScheduleEvent = z.infer<typeof CrmScheduleEventSchema>;
