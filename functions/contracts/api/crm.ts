import * as z from 'zod';
import { IsoDateTimeSchema } from './common';
import { CrmLeadViewSchema, CrmProviderSchema, CrmStatusSchema } from './crm-lead';
import { LeadIdSchema } from './leads';

/**
 * The CRM integration's resources (docs/crm.md): connections, their credentials and settings, sync status, pushes
 * and links. Credentials go in and never come out: the API shows their last four characters at most.
 */

/**
 * What a push may write besides the company's external id (`eirlead_org_id`), which every push writes:
 * - `lastSeen`, `visits`, `pageviews`: the lead's last visit time and counts;
 * - `topPages`: its most viewed paths with their views;
 * - `leadUrl`: a link to the lead (needs `crm.leadUrlTemplate` in the deployment configuration);
 * - `visitNotes`: one note (HubSpot, Pipedrive) or completed task (Salesforce) per visit: times and paths, nothing
 *   about a person.
 */
export const PushFieldSchema = z.enum(['lastSeen', 'visits', 'pageviews', 'topPages', 'leadUrl', 'visitNotes']);
export type PushField = z.infer<typeof PushFieldSchema>;
/** The default allow-list: the least that says an organisation visited, and how often. */
export const DEFAULT_PUSH_FIELDS: readonly PushField[] = ['lastSeen', 'visits'];

/** Leads pushed by the sync on their own: those that match every condition given. */
export const AutoPushRuleSchema = z
  .strictObject({
    minVisits: z.int().min(1).max(10_000).default(1),
    minPageviews: z.int().min(1).max(100_000).default(1),
    statuses: z
      .array(z.union([CrmStatusSchema, z.literal('none')]))
      .min(1)
      .default(['none'])
      .describe('CRM statuses of the lead to push; `none`: leads not in the CRM yet.'),
    countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals')).max(50).optional(),
  })
  .meta({ id: 'CrmAutoPushRule' });
export type AutoPushRule = z.infer<typeof AutoPushRuleSchema>;

export const ConnectionSettingsSchema = z
  .strictObject({
    fields: z
      .array(PushFieldSchema)
      .min(0)
      .refine((fields) => new Set(fields).size === fields.length, 'must not repeat a field')
      .default([...DEFAULT_PUSH_FIELDS])
      .describe('What a push may write (the field allow-list); the company\'s external id is always written.'),
    autoPush: AutoPushRuleSchema.optional().describe('Without it, leads are pushed only through the API.'),
  })
  .meta({ id: 'CrmConnectionSettings' });
export type ConnectionSettings = z.infer<typeof ConnectionSettingsSchema>;

const Secret = (what: string) => z.string().trim().min(8, `${what} is too short`).max(2000);

export const HubSpotCredentialsSchema = z.strictObject({
  token: Secret('token').describe('A HubSpot service key, a private-app access token or an OAuth access token.'),
});
export const SalesforceCredentialsSchema = z.strictObject({
  instanceUrl: z
    .url({ protocol: /^https?$/, error: 'must be your My Domain URL, e.g. https://acme.my.salesforce.com' })
    .describe('Your My Domain URL, e.g. https://acme.my.salesforce.com.'),
  clientId: Secret('clientId').describe('Consumer key of the External Client App (client-credentials flow enabled).'),
  clientSecret: Secret('clientSecret').describe('Its consumer secret.'),
});
const PipedriveCompanyDomain = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be the company domain, the part before .pipedrive.com')
  .describe('The part before .pipedrive.com in your Pipedrive address.');
/** A user's API token (sent as `x-api-token`), or an OAuth access token of the customer's Pipedrive app (bearer). */
export const PipedriveCredentialsSchema = z.union([
  z.strictObject({ companyDomain: PipedriveCompanyDomain, apiToken: Secret('apiToken').describe('The personal API token of the Pipedrive user Eirlead acts as.') }),
  z.strictObject({ companyDomain: PipedriveCompanyDomain, accessToken: Secret('accessToken').describe('An OAuth access token of your Pipedrive app (sent as a bearer token).') }),
]);
export type HubSpotCredentials = z.infer<typeof HubSpotCredentialsSchema>;
export type SalesforceCredentials = z.infer<typeof SalesforceCredentialsSchema>;
export type PipedriveCredentials = z.infer<typeof PipedriveCredentialsSchema>;

export const CreateConnectionRequestSchema = z
  .discriminatedUnion('provider', [
    z.strictObject({ provider: z.literal('hubspot'), credentials: HubSpotCredentialsSchema, settings: ConnectionSettingsSchema.optional() }),
    z.strictObject({ provider: z.literal('salesforce'), credentials: SalesforceCredentialsSchema, settings: ConnectionSettingsSchema.optional() }),
    z.strictObject({ provider: z.literal('pipedrive'), credentials: PipedriveCredentialsSchema, settings: ConnectionSettingsSchema.optional() }),
  ])
  .meta({ id: 'CrmCreateConnectionRequest' });
export type CreateConnectionRequest = z.infer<typeof CreateConnectionRequestSchema>;
export type CrmCredentials = CreateConnectionRequest['credentials'];

/** New credentials for the connection's provider (its own credentials object), checked before they replace the old. */
export const RotateCredentialsRequestSchema = z
  .union([HubSpotCredentialsSchema, SalesforceCredentialsSchema, PipedriveCredentialsSchema])
  .meta({ id: 'CrmRotateCredentialsRequest' });

export const ConnectionIdSchema = z.string().regex(/^[a-z0-9]{1,32}$/, 'must be a connectionId as returned by the API');

export const ConnectionSchema = z
  .object({
    connectionId: z.string(),
    provider: CrmProviderSchema,
    account: z
      .object({ id: z.string(), name: z.string().optional() })
      .describe('The CRM account the credentials open: HubSpot portal, Salesforce org, Pipedrive company.'),
    credentials: z.object({
      lastFour: z.string().describe('The last four characters of the token or secret, no more.'),
      setAt: IsoDateTimeSchema,
    }),
    settings: ConnectionSettingsSchema,
    createdAt: IsoDateTimeSchema,
  })
  .meta({ id: 'CrmConnection' });
export type Connection = z.infer<typeof ConnectionSchema>;
export const ConnectionListSchema = z.object({ items: z.array(ConnectionSchema) }).meta({ id: 'CrmConnectionList' });

export const SyncFailureSchema = z.object({
  at: IsoDateTimeSchema,
  phase: z.string(),
  status: z.int().optional().describe("The CRM's HTTP status, when it answered."),
  code: z.string().describe("The CRM's error code, or ours (`unavailable`, `rate-limited`)."),
  message: z.string().describe("The CRM's error message."),
});

export const SyncRunSchema = z.object({
  mode: z.enum(['full', 'incremental']),
  reason: z.enum(['schedule', 'api', 'continuation']),
  startedAt: IsoDateTimeSchema,
  finishedAt: IsoDateTimeSchema.optional(),
  outcome: z.enum(['running', 'succeeded', 'failed', 'paused']),
  phase: z.enum(['accounts', 'deals', 'matching', 'done']),
  read: z.object({ accounts: z.int(), openDeals: z.int() }),
  written: z.object({ accounts: z.int(), links: z.int(), pushed: z.int().optional().describe('Leads pushed by the auto-push rule in this run.') }),
  apiCalls: z.int().describe('Requests sent to the CRM in this run.'),
  invocations: z.int().describe('Function invocations the run took (a run that reaches the time limit continues in the next).'),
});
export type SyncRun = z.infer<typeof SyncRunSchema>;

export const SyncStatusSchema = z
  .object({
    connectionId: z.string(),
    provider: CrmProviderSchema,
    lastRun: SyncRunSchema.optional(),
    lastSuccessAt: IsoDateTimeSchema.optional(),
    lastFullSyncAt: IsoDateTimeSchema.optional(),
    lastMatchAt: IsoDateTimeSchema.optional(),
    queuedAt: IsoDateTimeSchema.optional().describe('A run was asked for and has not started yet.'),
    failures: z.array(SyncFailureSchema).describe('The latest failures, newest first (at most 10).'),
    usage: z
      .object({ used: z.int(), limit: z.int(), window: z.enum(['day', 'unknown']) })
      .optional()
      .describe("The CRM's API allocation as it last reported it (Salesforce `Sforce-Limit-Info`)."),
    copy: z.object({ accounts: z.int(), keptDays: z.int() }),
  })
  .meta({ id: 'CrmSyncStatus' });
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const SyncQueuedSchema = z.object({ connectionId: z.string(), queuedAt: IsoDateTimeSchema }).meta({ id: 'CrmSyncQueued' });

export const PushRequestSchema = z
  .strictObject({
    leadIds: z
      .array(LeadIdSchema)
      .min(1)
      .max(10)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a lead'),
    dryRun: z.boolean().default(false).describe('Answer exactly what would be sent, and send nothing.'),
  })
  .meta({ id: 'CrmPushRequest' });
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const PlannedRequestSchema = z.object({
  method: z.enum(['GET', 'POST', 'PATCH', 'PUT']),
  path: z.string().describe('Relative to the CRM\'s API; `{accountId}` stands for the id the CRM answers a create with.'),
  body: z.unknown().optional(),
  condition: z.string().optional().describe('When the request is sent only under a condition.'),
});
export type PlannedRequest = z.infer<typeof PlannedRequestSchema>;

export const PushItemSchema = z.object({
  leadId: z.string(),
  outcome: z.enum(['planned', 'pushed', 'failed', 'not-found']),
  target: z.enum(['linked-account', 'external-id']).optional().describe('Update the linked account, or create/update by external id.'),
  requests: z.array(PlannedRequestSchema).optional().describe('Dry run: exactly what would be sent.'),
  accountId: z.string().optional(),
  created: z.boolean().optional(),
  notes: z.object({ created: z.int(), skipped: z.int() }).optional().describe('Visits noted now, and visits noted before.'),
  error: SyncFailureSchema.omit({ at: true, phase: true }).optional(),
});
export type PushItem = z.infer<typeof PushItemSchema>;
export const PushResultSchema = z.object({ dryRun: z.boolean(), items: z.array(PushItemSchema) }).meta({ id: 'CrmPushResult' });

export const LinkRequestSchema = z
  .strictObject({ accountId: z.string().trim().min(1).max(100).describe('The CRM account to link the lead to.') })
  .meta({ id: 'CrmLinkRequest' });

export const LinkResultSchema = CrmLeadViewSchema;

export const DeletionCountsSchema = z.object({
  accounts: z.int().min(0).describe('CRM accounts of the synced copy.'),
  links: z.int().min(0).describe('Leads matched to an account.'),
  manualLinks: z.int().min(0),
  pushRecords: z.int().min(0).describe('What was pushed, per lead.'),
  other: z.int().min(0).describe('The connection with its credentials, its status and sync cursor.'),
});

export const TokenRevokedSchema = z
  .enum(['revoked', 'not-supported', 'failed'])
  .describe(
    '`not-supported`: the CRM has no revocation call for this kind of token (HubSpot service keys and private-app tokens, Pipedrive API tokens): delete or rotate it in the CRM.',
  );

export const DisconnectReceiptSchema = z
  .object({
    connectionId: z.string(),
    provider: CrmProviderSchema,
    deletedAt: IsoDateTimeSchema,
    complete: z
      .boolean()
      .describe(
        '`false` (answered with 202) when the copy was too large to delete within the request: the credentials are unusable already, the rest is deleted by the CRM sync function within minutes, and the final receipt goes to the audit trail (`crm.disconnect`).',
      ),
    deleted: DeletionCountsSchema.describe('What was deleted (so far, when `complete` is false).'),
    tokenRevoked: TokenRevokedSchema,
  })
  .meta({ id: 'CrmDisconnectReceipt' });
export type DisconnectReceipt = z.infer<typeof DisconnectReceiptSchema>;

export const ConnectionPathSchema = z.object({ connectionId: ConnectionIdSchema });
