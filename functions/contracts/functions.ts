import * as z from 'zod';
import { AlertSettingsSchema, BehaviourLimitsSchema, CrmRuntimeSchema, IpOverridesSchema, RetentionSchema, SitesSchema } from './deployment-config';
import { type EnvironmentSchema, jsonVariable, textVariable } from './environment';
import { EVENTS_URL_VARIABLE, SNIPPET_FILE_VARIABLE } from './names';
import { LEAD_SORT_KEY } from './table';

/**
 * The one function table: what each function is, how it runs and which environment it reads. The CDK constructs
 * (lib/constructs/lambda-function.ts), the local runtime (local/functions.ts) and the parity test read it, so the
 * functions run locally exactly as they are configured on AWS.
 */
export interface FunctionDefinition {
  /** Handler file, relative to the project root; it exports `handler`. */
  readonly entry: string;
  /** Powertools service name: names the function in logs, metrics and the dashboard. */
  readonly serviceName: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: EnvironmentSchema;
  /** A directory built before deployment and copied into the bundle (`/var/task/<destination>` at run time). */
  readonly bundledData?: { readonly source: string; readonly destination: string };
  /** For a function fed by the queue: records per invocation, and how long the poller gathers them first. */
  readonly queueBatch?: { readonly batchSize: number; readonly maxBatchingWindowSeconds: number };
  /**
   * For a function fed by the table's stream: records per invocation, the batching window, and the event filter
   * (Lambda's filter-pattern syntax, as AWS::Lambda::EventSourceMapping FilterCriteria takes it), so the function
   * is invoked only for the records it reads; the local stream poller applies the same pattern.
   */
  readonly tableStream?: {
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
    readonly filterPattern: Readonly<Record<string, unknown>>;
    /** Retries of a failing batch (split in half each time) before its records go to the on-failure destination. */
    readonly retryAttempts: number;
  };
}

const tableName = textVariable().describe('The single table (functions/contracts/table.ts)');
const retention = jsonVariable(RetentionSchema);
const sites = jsonVariable(SitesSchema);
const ipOverrides = jsonVariable(IpOverridesSchema);
/** The bucket exports are written to (lib/constructs/exports.ts); locally a directory (local/export-files.ts). */
const exportBucket = textVariable();
/** The project KMS key; locally a master key in the data directory stands in for it (local/infrastructure.ts). */
const keyId = textVariable();
const alertSettings = jsonVariable(AlertSettingsSchema);
/** The alert delivery queue (lib/constructs/alerts.ts). */
const deliveryQueueUrl = textVariable();
/** The API's base URL (`…/v1/` stripped to its root), for the link to a lead in an alert. */
const apiBaseUrl = textVariable();

/**
 * Only lead items, and only their creation and change (a lead's erasure or expiry fires nothing): visit parts,
 * salts, audit records and everything else on the table never invoke the alerts function.
 */
export const LEAD_CHANGE_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { sk: { S: [LEAD_SORT_KEY] } } },
} as const;

export const FUNCTIONS = {
  ingest: {
    entry: 'functions/ingest/handler.ts',
    serviceName: 'eirlead-ingest',
    description: 'Eirlead: validates page events, pseudonymises the visitor, truncates the IP, queues the event',
    timeoutSeconds: 10,
    memoryMb: 512,
    environment: z.object({
      QUEUE_URL: textVariable(),
      TABLE_NAME: tableName,
      KEY_ID: keyId,
      SITES: sites,
      IP_OVERRIDES: ipOverrides,
      RETENTION: retention,
    }),
  },
  enrichment: {
    entry: 'functions/enrichment/handler.ts',
    serviceName: 'eirlead-enrichment',
    description: 'Eirlead: enriches queued events with organisation and location, aggregates visits and leads',
    // Wall time of a 100-record batch is well under a second; the margin covers DynamoDB throttling and retries.
    timeoutSeconds: 30,
    // The organisation and location data are held in memory; more memory also means more CPU.
    memoryMb: 1024,
    environment: z.object({
      TABLE_NAME: tableName,
      IP_DATA_DIR: textVariable(),
      SITES: sites,
      IP_OVERRIDES: ipOverrides,
      RETENTION: retention,
      LIMITS: jsonVariable(BehaviourLimitsSchema),
    }),
    bundledData: { source: 'build/ipdata', destination: 'ipdata' },
    // Each lead is written once per batch however many of its page views the batch holds, so bigger batches mean
    // fewer writes; the window adds at most a second to event-to-lead latency.
    queueBatch: { batchSize: 100, maxBatchingWindowSeconds: 1 },
  },
  leadsApi: {
    entry: 'functions/leads-api/handler.ts',
    serviceName: 'eirlead-leads-api',
    description: 'Eirlead: lists, reads and erases leads, starts and hands out exports; serves the OpenAPI document',
    timeoutSeconds: 10,
    memoryMb: 512,
    environment: z.object({
      TABLE_NAME: tableName,
      RETENTION: retention,
      KEY_ID: keyId,
      EXPORT_BUCKET: exportBucket,
      EXPORT_FUNCTION: textVariable().describe('The export function, invoked asynchronously with one job'),
    }),
  },
  leadExport: {
    entry: 'functions/lead-export/handler.ts',
    serviceName: 'eirlead-lead-export',
    description: "Eirlead: writes a site's leads (optionally with visits) to one CSV or NDJSON file",
    // Measured locally (npm run bench:export, DynamoDB Local on a loaded 2-core machine): 100,000 leads without
    // visits in 5-6 minutes, most of it DynamoDB Local's Query; with visits each lead is one more Query. The ceiling
    // leaves room for that, and the job is marked failed if it is reached.
    timeoutSeconds: 900,
    // Lines are streamed to S3 in 8 MB parts; memory stays flat whatever the export's size. More memory, more CPU.
    memoryMb: 1024,
    environment: z.object({ TABLE_NAME: tableName, RETENTION: retention, EXPORT_BUCKET: exportBucket }),
  },
  docs: {
    entry: 'functions/docs/handler.ts',
    serviceName: 'eirlead-docs',
    description: 'Eirlead: serves the API reference page (Redoc, self-hosted)',
    timeoutSeconds: 3,
    // It answers files read at cold start.
    memoryMb: 256,
    environment: z.object({ DOCS_DIR: textVariable() }),
    bundledData: { source: 'build/docs', destination: 'docs' },
  },
  authorizer: {
    entry: 'functions/authorizer/handler.ts',
    serviceName: 'eirlead-authorizer',
    description: 'Eirlead: checks the API key or dashboard session of an API request',
    timeoutSeconds: 5,
    memoryMb: 512,
    environment: z.object({ TABLE_NAME: tableName }),
  },
  snippet: {
    entry: 'functions/snippet/handler.ts',
    serviceName: 'eirlead-snippet',
    description: 'Eirlead: serves the tracking snippet',
    timeoutSeconds: 3,
    // It returns a file read at cold start: the smallest size is plenty.
    memoryMb: 128,
    environment: z.object({ [SNIPPET_FILE_VARIABLE]: textVariable(), [EVENTS_URL_VARIABLE]: textVariable().optional() }),
    bundledData: { source: 'build/snippet', destination: 'snippet' },
  },
  dashboard: {
    entry: 'functions/dashboard/handler.ts',
    serviceName: 'eirlead-dashboard',
    description: 'Eirlead: serves the dashboard and its sign-in, saved views, tags and assignment',
    // A sign-in waits for Cognito twice (password, then the TOTP code): well under a second each.
    timeoutSeconds: 10,
    memoryMb: 512,
    environment: z.object({
      TABLE_NAME: tableName,
      RETENTION: retention,
      SITES: sites,
      DASHBOARD_DIR: textVariable().describe('The built app (npm run build:dashboard): manifest.json and assets/'),
      USER_POOL_ID: textVariable().describe('The Cognito user pool; `local` in the local runtime, which signs in without AWS'),
      USER_POOL_CLIENT_ID: textVariable(),
    }),
    bundledData: { source: 'build/dashboard', destination: 'dashboard' },
  },
  saltCleanup: {
    entry: 'functions/salt-cleanup/handler.ts',
    serviceName: 'eirlead-salt-cleanup',
    description: 'Destroys expired daily salts on time',
    timeoutSeconds: 30,
    memoryMb: 512,
    environment: z.object({ TABLE_NAME: tableName, RETENTION: retention }),
  },
  alerts: {
    entry: 'functions/alerts/handler.ts',
    serviceName: 'eirlead-alerts',
    description: 'Eirlead: evaluates alert rules on lead changes (table stream) and queues deliveries, once per rule, organisation and cool-down',
    // A batch reads each site's rules once and claims each firing with one conditional put: well under a second.
    timeoutSeconds: 30,
    memoryMb: 512,
    environment: z.object({
      TABLE_NAME: tableName,
      DELIVERY_QUEUE_URL: deliveryQueueUrl,
      RETENTION: retention,
      ALERTS: alertSettings,
      API_BASE_URL: apiBaseUrl,
    }),
    // Lead changes of a busy minute arrive together, so rules are read once per site for many leads; the window
    // adds at most a second to page view → alert.
    tableStream: { batchSize: 100, maxBatchingWindowSeconds: 1, filterPattern: LEAD_CHANGE_FILTER, retryAttempts: 5 },
  },
  alertDelivery: {
    entry: 'functions/alert-delivery/handler.ts',
    serviceName: 'eirlead-alert-delivery',
    description: 'Eirlead: sends alerts (signed webhooks, Slack, Teams, SES e-mail) with retries, and the daily digests',
    // Each send has a 10-second deadline; a batch of 10 sent one after the other stays within 120 s.
    timeoutSeconds: 120,
    memoryMb: 512,
    environment: z.object({
      TABLE_NAME: tableName,
      KEY_ID: keyId,
      DELIVERY_QUEUE_URL: deliveryQueueUrl,
      SITES: sites,
      ALERTS: alertSettings,
    }),
    // Ten deliveries an invocation, at once: a slow receiver holds back only its own message's slot in the batch.
    queueBatch: { batchSize: 10, maxBatchingWindowSeconds: 0 },
  },
  alertsApi: {
    entry: 'functions/alerts-api/handler.ts',
    serviceName: 'eirlead-alerts-api',
    description: 'Eirlead: manages alert rules and endpoints, test-fires rules, lists and replays deliveries',
    timeoutSeconds: 10,
    memoryMb: 512,
    environment: z.object({
      TABLE_NAME: tableName,
      KEY_ID: keyId,
      DELIVERY_QUEUE_URL: deliveryQueueUrl,
      RETENTION: retention,
      ALERTS: alertSettings,
      API_BASE_URL: apiBaseUrl,
    }),
  },
  crmApi: {
    entry: 'functions/crm-api/handler.ts',
    serviceName: 'eirlead-crm-api',
    description: 'Eirlead: CRM connections, sync now and status, pushes of leads, links of leads to CRM accounts',
    // Creating a connection checks the credentials with up to four CRM requests (10 s deadline each), and a push of
    // ten leads sends up to a few dozen; within API Gateway's 29-second integration timeout.
    timeoutSeconds: 28,
    memoryMb: 512,
    environment: z.object({ TABLE_NAME: tableName, KEY_ID: keyId, RETENTION: retention, CRM: jsonVariable(CrmRuntimeSchema), CRM_JOBS_QUEUE_URL: textVariable() }),
  },
  crmSync: {
    entry: 'functions/crm-sync/handler.ts',
    serviceName: 'eirlead-crm-sync',
    description: 'Eirlead: copies CRM accounts (daily, or when asked), matches leads to them, pushes leads by rule',
    // A run stops with a minute to spare and continues in the next invocation (its cursor is in the table), so the
    // limit bounds one invocation, not a sync; five minutes keep the queue's visibility timeout at 30 minutes.
    timeoutSeconds: 300,
    // The finishing phase holds the whole copy in memory to match leads against it: 50,000 accounts peaked at the
    // figure docs/crm.md reports (npm run bench:crm).
    memoryMb: 512,
    environment: z.object({
      TABLE_NAME: tableName,
      KEY_ID: keyId,
      RETENTION: retention,
      CRM: jsonVariable(CrmRuntimeSchema),
      CRM_JOBS_QUEUE_URL: textVariable(),
      SITES: sites,
    }),
    // One sync job at a time per invocation: a job runs for minutes, never alongside another of its batch.
    queueBatch: { batchSize: 1, maxBatchingWindowSeconds: 0 },
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof FUNCTIONS;
export type FunctionEnvironment<N extends FunctionName> = z.output<(typeof FUNCTIONS)[N]['environment']>;

/** The file name the snippet build writes (scripts/build/snippet.ts) and the snippet function serves. */
export const SNIPPET_FILE_NAME = 'eirlead.js';

/** Variables the function wrapper adds to every function, beside each function's own contract. */
export const WRAPPER_VARIABLES = ['POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS'] as const;
