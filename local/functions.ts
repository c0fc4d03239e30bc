import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { decodeEnvironment, encodeEnvironment } from '../functions/contracts/environment';
import {
  type AlertSettings,
  type BehaviourLimits,
  CRM_ENDPOINTS,
  type CrmConfig,
  type CrmEndpoints,
  crmRuntimeOf,
  DEFAULT_ALERT_SETTINGS,
  DEFAULT_CRM_CONFIG,
  type IpOverrides,
  type Retention,
  type Site,
} from '../functions/contracts/deployment-config';
import { FUNCTIONS, type FunctionEnvironment, type FunctionName } from '../functions/contracts/functions';
import type { EmailSender } from '../functions/adapters/email/email-sender';
import type { OutboundPolicy } from '../functions/adapters/outbound/sender';
import { alertDeliveryDependencies, createHandler as createAlertDelivery } from '../functions/alert-delivery/app';
import { alertsDependencies, createHandler as createAlerts } from '../functions/alerts/app';
import { alertsApiDependencies, createHandler as createAlertsApi } from '../functions/alerts-api/app';
import { authorizerDependencies, createHandler as createAuthorizer } from '../functions/authorizer/app';
import { createHandler as createDocs, docsDependencies } from '../functions/docs/app';
import { createHandler as createDashboard, dashboardDependencies } from '../functions/dashboard/app';
import type { IdentityProvider } from '../functions/adapters/identity/identity-provider';
import { createHandler as createCrmApi, crmApiDependencies } from '../functions/crm-api/app';
import { createHandler as createCrmSync, type CrmSyncEvent, crmSyncDependencies } from '../functions/crm-sync/app';
import { createHandler as createEnrichment, enrichmentDependencies } from '../functions/enrichment/app';
import { createHandler as createIngest, ingestDependencies } from '../functions/ingest/app';
import { createHandler as createLeadExport, leadExportDependencies } from '../functions/lead-export/app';
import { createHandler as createLeadsApi, leadsApiDependencies } from '../functions/leads-api/app';
import { createHandler as createSaltCleanup, saltCleanupDependencies } from '../functions/salt-cleanup/app';
import { createHandler as createSnippet, snippetDependencies } from '../functions/snippet/app';
import type { Context } from 'aws-lambda';
import type { ProxyHandler } from './api-gateway/router';
import type { FunctionUrlHandler } from './function-url';
import type { LocalInfrastructure } from './infrastructure';
import type { SQSBatchResponse } from 'aws-lambda';
import { invoke, type LocalFunction } from './lambda';
import { LocalIdentity } from './identity/local-identity';
import { LocalUserStore } from './identity/local-users';
import type { RequestAuthorizerHandler } from './api-gateway/request-authorizer';
import type { SqsHandler } from './sqs-poller';
import type { StreamHandler } from './stream-poller';

/**
 * The functions as the local runtime hosts them: each gets the environment the CDK stack would give it (encoded
 * and decoded by the same contract, functions/contracts/functions.ts), pointed at local resources, and is built by
 * its own `createHandler`; nothing is read from or written to this process's environment, so one process can host
 * several runtimes (the tests do).
 */
export interface LocalConfiguration {
  readonly tableName: string;
  readonly queueUrl: string;
  readonly ipDataDir: string;
  readonly snippetFile: string;
  /** The built reference page (`npm run build:docs`), read on the first request to /docs. @default build/docs */
  readonly docsDir?: string;
  readonly sites: readonly Site[];
  readonly ipOverrides: IpOverrides;
  readonly retention: Retention;
  readonly limits: BehaviourLimits;
  /** Where the served snippet sends events (the local ingest function URL's `/v1/events`). @default next to it */
  readonly eventsUrl?: string;
  /** The built dashboard (npm run build:dashboard). @default build/dashboard under the working directory */
  readonly dashboardDir?: string;
  /** @default the events queue's URL with `-crm-jobs`, as the local runtime names the CRM jobs queue */
  readonly crmJobsQueueUrl?: string;
  /** @default DEFAULT_CRM_CONFIG */
  readonly crm?: CrmConfig;
  /** Where the CRMs are: contract fakes on 127.0.0.1 in the tests. @default the providers' own addresses */
  readonly crmEndpoints?: CrmEndpoints;
  /**
   * The alert delivery queue (local/resources.ts `ensureQueues`, as lib/constructs/alerts.ts makes it).
   * @default none: a runtime without the alert pipeline (some tests build only the handlers they drive)
   */
  readonly deliveryQueueUrl?: string;
  /** @default DEFAULT_ALERT_SETTINGS */
  readonly alerts?: AlertSettings;
  /** The local API's own URL, for the link to a lead in an alert. @default http://127.0.0.1/ */
  readonly apiBaseUrl?: string;
}

/**
 * What only the local runtime may set: where alerts may go (loopback receivers with their own certificates, for tests
 * and trying it out) and where e-mail goes (an outbox instead of SES). A deployed function has neither setting.
 */
export interface LocalAlertOptions {
  readonly outbound?: OutboundPolicy;
  readonly email?: EmailSender;
}

/** Stands for the Cognito user pool and app client: the local runtime signs people in without AWS. */
export const LOCAL_USER_POOL = 'local';

/** Stands for the KMS key id; the local infrastructure's key service ignores it and uses the local master key. */
const LOCAL_KEY_ID = 'local-master-key';
/** Stands for the export bucket; the local infrastructure writes export files into its directory instead. */
const LOCAL_EXPORT_BUCKET = 'local-exports';
/** Lambda retries a failed asynchronous event twice (lib/constructs/exports.ts keeps that default). */
const ASYNC_RETRIES = 2;
/** A queue URL no emulator serves: sending to it fails loudly rather than going anywhere. */
const NO_DELIVERY_QUEUE = 'http://127.0.0.1:9/no-alert-delivery-queue';

/** Every function's environment values, as the CDK constructs set them on AWS. */
export function localEnvironments(config: LocalConfiguration): { readonly [N in FunctionName]: FunctionEnvironment<N> } {
  const { tableName, retention } = config;
  const sites = [...config.sites];
  const alerts = config.alerts ?? DEFAULT_ALERT_SETTINGS;
  const deliveryQueueUrl = config.deliveryQueueUrl ?? NO_DELIVERY_QUEUE;
  const apiBaseUrl = config.apiBaseUrl ?? 'http://127.0.0.1/';
  const crm = crmRuntimeOf(config.crm ?? DEFAULT_CRM_CONFIG, config.crmEndpoints ?? CRM_ENDPOINTS);
  const crmJobsQueueUrl = config.crmJobsQueueUrl ?? `${config.queueUrl}-crm-jobs`;
  return {
    ingest: { QUEUE_URL: config.queueUrl, TABLE_NAME: tableName, KEY_ID: LOCAL_KEY_ID, SITES: sites, IP_OVERRIDES: config.ipOverrides, RETENTION: retention },
    enrichment: {
      TABLE_NAME: tableName,
      IP_DATA_DIR: config.ipDataDir,
      SITES: sites,
      IP_OVERRIDES: config.ipOverrides,
      RETENTION: retention,
      LIMITS: config.limits,
    },
    leadsApi: { TABLE_NAME: tableName, RETENTION: retention, KEY_ID: LOCAL_KEY_ID, EXPORT_BUCKET: LOCAL_EXPORT_BUCKET, EXPORT_FUNCTION: 'leadExport' },
    leadExport: { TABLE_NAME: tableName, RETENTION: retention, EXPORT_BUCKET: LOCAL_EXPORT_BUCKET },
    docs: { DOCS_DIR: config.docsDir ?? join('build', 'docs') },
    authorizer: { TABLE_NAME: tableName },
    snippet: { SNIPPET_FILE: config.snippetFile, ...(config.eventsUrl === undefined ? {} : { EVENTS_URL: config.eventsUrl }) },
    saltCleanup: { TABLE_NAME: tableName, RETENTION: retention },
    dashboard: {
      TABLE_NAME: tableName,
      RETENTION: retention,
      SITES: sites,
      DASHBOARD_DIR: config.dashboardDir ?? resolve('build', 'dashboard'),
      USER_POOL_ID: LOCAL_USER_POOL,
      USER_POOL_CLIENT_ID: LOCAL_USER_POOL,
    },
    alerts: { TABLE_NAME: tableName, DELIVERY_QUEUE_URL: deliveryQueueUrl, RETENTION: retention, ALERTS: alerts, API_BASE_URL: apiBaseUrl },
    alertDelivery: { TABLE_NAME: tableName, KEY_ID: LOCAL_KEY_ID, DELIVERY_QUEUE_URL: deliveryQueueUrl, SITES: sites, ALERTS: alerts },
    alertsApi: { TABLE_NAME: tableName, KEY_ID: LOCAL_KEY_ID, DELIVERY_QUEUE_URL: deliveryQueueUrl, RETENTION: retention, ALERTS: alerts, API_BASE_URL: apiBaseUrl },
    crmApi: { TABLE_NAME: tableName, KEY_ID: LOCAL_KEY_ID, RETENTION: retention, CRM: crm, CRM_JOBS_QUEUE_URL: crmJobsQueueUrl },
    crmSync: {
      TABLE_NAME: tableName,
      KEY_ID: LOCAL_KEY_ID,
      RETENTION: retention,
      CRM: crm,
      CRM_JOBS_QUEUE_URL: crmJobsQueueUrl,
      SITES: sites,
    },
  };
}

/** The encoded variables, exactly the strings a deployed function would find in its environment. */
export function encodedEnvironment<N extends FunctionName>(name: N, values: FunctionEnvironment<N>): Record<string, string> {
  return encodeEnvironment(FUNCTIONS[name].environment, values);
}

/** Timeout and memory as the function table sets them on AWS, so `getRemainingTimeInMillis` means the same. */
export const localFunction = (name: FunctionName): LocalFunction => ({
  name: FUNCTIONS[name].serviceName,
  timeoutMs: FUNCTIONS[name].timeoutSeconds * 1000,
  memoryMb: FUNCTIONS[name].memoryMb,
});

/** The handlers by function, with the signatures the local API Gateway and SQS poller invoke them with. */
export interface LocalHandlers {
  readonly ingest: ProxyHandler;
  /** The same ingest handler, at its function URL (payload format 2.0, which it adapts at its edge as on AWS). */
  readonly ingestUrl: FunctionUrlHandler;
  readonly enrichment: SqsHandler;
  readonly authorizer: RequestAuthorizerHandler;
  readonly leadsApi: ProxyHandler;
  readonly snippet: ProxyHandler;
  readonly docs: ProxyHandler;
  readonly leadExport: (task: unknown) => Promise<unknown>;
  readonly saltCleanup: () => Promise<{ destroyed: string[] }>;
  readonly dashboard: ProxyHandler;
  readonly alerts: StreamHandler;
  readonly alertDelivery: SqsHandler;
  /** The daily digests, as the schedule starts them on AWS. */
  readonly alertDigests: (day?: string) => Promise<{ queued: number }>;
  readonly alertsApi: ProxyHandler;
  readonly crmApi: ProxyHandler;
  /** The CRM jobs queue's batches (through the SQS poller) and the schedules' events (a local timer). */
  readonly crmSync: (event: CrmSyncEvent, context: Context) => Promise<unknown>;
}

export function createLocalHandlers(
  config: LocalConfiguration,
  infrastructure: LocalInfrastructure,
  options: {
    readonly trustForwardedFor: boolean;
    readonly log?: (line: string) => void;
    readonly alerts?: LocalAlertOptions;
    /** Who may sign in to the dashboard. @default nobody: an empty in-memory user store and a random local key */
    readonly identity?: IdentityProvider;
  },
): LocalHandlers {
  const values = localEnvironments(config);
  const alertOptions = options.alerts ?? {};
  // Through the strings and back, as on AWS: a value the contract cannot carry fails here, not after deploying.
  const environment = <N extends FunctionName>(name: N): FunctionEnvironment<N> =>
    decodeEnvironment(FUNCTIONS[name].environment, encodedEnvironment(name, values[name]), FUNCTIONS[name].serviceName) as FunctionEnvironment<N>;
  const ingest = createIngest({ ...ingestDependencies(environment('ingest'), infrastructure), trustForwardedFor: options.trustForwardedFor });
  const leadExport = createLeadExport(leadExportDependencies(environment('leadExport'), infrastructure));
  // Asynchronous invocations as Lambda runs them: the function's timeout, two retries, then the on-failure
  // destination, which locally is a log line (the job itself is marked failed by the function).
  infrastructure.asyncTargets.set('leadExport', async (payload) => {
    for (let attempt = 0; attempt <= ASYNC_RETRIES; attempt++) {
      try {
        await invoke(localFunction('leadExport'), (event: unknown, context) => leadExport(event, context), payload);
        return;
      } catch (error) {
        if (attempt === ASYNC_RETRIES) options.log?.(`leadExport failed after ${ASYNC_RETRIES + 1} attempts: ${(error as Error).message}`);
      }
    }
  });
  const snippet = environment('snippet');
  const alertDelivery = createAlertDelivery(alertDeliveryDependencies(environment('alertDelivery'), infrastructure, alertOptions));
  return {
    ingest,
    ingestUrl: ingest,
    enrichment: createEnrichment(enrichmentDependencies(environment('enrichment'), infrastructure)),
    authorizer: createAuthorizer(authorizerDependencies(environment('authorizer'), infrastructure)),
    leadsApi: createLeadsApi(leadsApiDependencies(environment('leadsApi'), infrastructure)),
    snippet: createSnippet(snippetDependencies(snippet.SNIPPET_FILE, snippet.EVENTS_URL)),
    docs: createDocs(docsDependencies(environment('docs').DOCS_DIR)),
    leadExport: (task) => invoke(localFunction('leadExport'), (event: unknown, context) => leadExport(event, context), task),
    saltCleanup: createSaltCleanup(saltCleanupDependencies(environment('saltCleanup'), infrastructure)),
    dashboard: createDashboard(
      dashboardDependencies(environment('dashboard'), infrastructure, options.identity ?? new LocalIdentity(new LocalUserStore(), randomBytes(32).toString('base64url'))),
    ),
    alerts: createAlerts(alertsDependencies(environment('alerts'), infrastructure)),
    alertDelivery: (event, context) => alertDelivery(event, context) as Promise<SQSBatchResponse>,
    alertDigests: (day) => invoke(localFunction('alertDelivery'), alertDelivery, { run: 'daily-digest' as const, ...(day ? { day } : {}) }) as Promise<{ queued: number }>,
    alertsApi: createAlertsApi(
      alertsApiDependencies(environment('alertsApi'), infrastructure, {
        ...(alertOptions.outbound ? { outbound: alertOptions.outbound } : {}),
        ...(alertOptions.email ? { emailConfigured: true } : {}),
      }),
    ),
    // Loopback allowed: the CRMs' contract fakes listen on 127.0.0.1 (never on AWS).
    crmApi: createCrmApi(crmApiDependencies(environment('crmApi'), infrastructure, { allowLoopback: true })),
    crmSync: createCrmSync(crmSyncDependencies(environment('crmSync'), infrastructure, { allowLoopback: true })),
  };
}
