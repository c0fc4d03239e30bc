import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { decodeEnvironment, encodeEnvironment } from '../functions/contracts/environment';
import type { BehaviourLimits, IpOverrides, Retention, Site } from '../functions/contracts/deployment-config';
import { FUNCTIONS, type FunctionEnvironment, type FunctionName } from '../functions/contracts/functions';
import { authorizerDependencies, createHandler as createAuthorizer } from '../functions/authorizer/app';
import { createHandler as createDocs, docsDependencies } from '../functions/docs/app';
import { createHandler as createDashboard, dashboardDependencies } from '../functions/dashboard/app';
import type { IdentityProvider } from '../functions/adapters/identity/identity-provider';
import { createHandler as createEnrichment, enrichmentDependencies } from '../functions/enrichment/app';
import { createHandler as createIngest, ingestDependencies } from '../functions/ingest/app';
import { createHandler as createLeadExport, leadExportDependencies } from '../functions/lead-export/app';
import { createHandler as createLeadsApi, leadsApiDependencies } from '../functions/leads-api/app';
import { createHandler as createSaltCleanup, saltCleanupDependencies } from '../functions/salt-cleanup/app';
import { createHandler as createSnippet, snippetDependencies } from '../functions/snippet/app';
import type { ProxyHandler } from './api-gateway/router';
import type { FunctionUrlHandler } from './function-url';
import type { LocalInfrastructure } from './infrastructure';
import { invoke, type LocalFunction } from './lambda';
import { LocalIdentity } from './identity/local-identity';
import { LocalUserStore } from './identity/local-users';
import type { RequestAuthorizerHandler } from './api-gateway/request-authorizer';
import type { SqsHandler } from './sqs-poller';

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
}

/** Stands for the Cognito user pool and app client: the local runtime signs people in without AWS. */
export const LOCAL_USER_POOL = 'local';

/** Stands for the KMS key id; the local infrastructure's key service ignores it and uses the local master key. */
const LOCAL_KEY_ID = 'local-master-key';
/** Stands for the export bucket; the local infrastructure writes export files into its directory instead. */
const LOCAL_EXPORT_BUCKET = 'local-exports';
/** Lambda retries a failed asynchronous event twice (lib/constructs/exports.ts keeps that default). */
const ASYNC_RETRIES = 2;

/** Every function's environment values, as the CDK constructs set them on AWS. */
export function localEnvironments(config: LocalConfiguration): { readonly [N in FunctionName]: FunctionEnvironment<N> } {
  const { tableName, retention } = config;
  const sites = [...config.sites];
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
}

export function createLocalHandlers(
  config: LocalConfiguration,
  infrastructure: LocalInfrastructure,
  options: {
    readonly trustForwardedFor: boolean;
    readonly log?: (line: string) => void;
    /** Who may sign in to the dashboard. @default nobody: an empty in-memory user store and a random local key */
    readonly identity?: IdentityProvider;
  },
): LocalHandlers {
  const values = localEnvironments(config);
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
  };
}
