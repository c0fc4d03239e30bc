import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ApiScopeSchema } from '../functions/contracts/api/api-keys';
import {
  type BehaviourLimits,
  CRM_ENDPOINTS,
  type CrmConfig,
  type CrmEndpoints,
  DEFAULT_ALERT_SETTINGS,
  DEFAULT_BEHAVIOUR_LIMITS,
  DEFAULT_CRM_CONFIG,
  DEFAULT_RETENTION,
  NO_IP_OVERRIDES,
} from '../functions/contracts/deployment-config';
import type { OutboundPolicy } from '../functions/adapters/outbound/sender';
import { ROUTES } from '../functions/contracts/routes';
import { ApiKeyStore } from '../functions/adapters/dynamodb/api-key-store';
import type { Route } from './api-gateway/router';
import { HttpFront } from './api-gateway/server';
import type { StageThrottling } from './api-gateway/throttle';
import { DEMO_SITE, demoFiles } from './demo-site';
import { persistentMasterKey } from './master-key';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalEmulators } from './emulators';
import { FunctionUrlFront } from './function-url';
import { EmailOutbox } from './email-outbox';
import { createLocalHandlers, type LocalHandlers, localFunction } from './functions';
import { LOCAL_EXPORTS_PATH, type LocalExportFiles } from './export-files';
import { emulatorInfrastructure } from './infrastructure';
import { LocalIdentity } from './identity/local-identity';
import { LocalUserStore } from './identity/local-users';
import { ensureTable, ensureTableStream, type Queues } from './resources';
import { describeError } from './sqs-poller';
import { ensureRuntimeQueues, type LambdaBatching, startEventSources } from './event-sources';

const DEFAULT_NAMES = { tableName: 'eirlead', queueName: 'eirlead-events', deadLetterQueueName: 'eirlead-events-dlq' } as const;

export interface LocalRuntimeOptions {
  /** Port on 127.0.0.1. @default 0, any free port */
  readonly port?: number;
  /** Where DynamoDB data and the local master key live, so a restart keeps them. @default in memory */
  readonly dataDir?: string;
  /** Directory with the compiled IP data (`npm run build:ipdata`). */
  readonly ipDataDir: string;
  /** The built tracking snippet (`npm run build:snippet`), served at `GET /v1/snippet.js`. */
  readonly snippetFile: string;
  /** The built reference page (`npm run build:docs`), served at `/docs`. @default build/docs */
  readonly docsDir?: string;
  /** The built dashboard (`npm run build:dashboard`), served at `/`. @default `dashboard` beside the snippet's build folder */
  readonly dashboardDir?: string;
  /**
   * The local user store (local/identity/local-users.ts) people sign in with.
   * @default `<dataDir>/users.json`, or in memory without a data directory
   */
  readonly usersFile?: string;
  /** The demo site (local/demo), served at `/demo`. @default no demo */
  readonly demoDir?: string;
  /** Bot signals and the typed-domain quota, as `cdk.json` context `limits` sets them. @default DEFAULT_BEHAVIOUR_LIMITS */
  readonly limits?: BehaviourLimits;
  /** Take the visitor IP from the first X-Forwarded-For entry. @default false */
  readonly trustForwardedFor?: boolean;
  /** A key with every scope on every site. @default a generated key */
  readonly apiKey?: string;
  /** Emulators already running (the integration tests start them once per run). @default started here */
  readonly emulators?: { readonly dynamoDbEndpoint: string; readonly sqsEndpoint: string };
  /** Unique names let several runtimes share the emulators. @default eirlead, eirlead-events, eirlead-events-dlq */
  readonly names?: { readonly tableName: string; readonly queueName: string; readonly deadLetterQueueName: string };
  /**
   * How long a received message stays hidden before SQS hands it out again; a batch that runs longer is redelivered.
   * @default 10 (short, so that local retries and dead-lettering are quick to see)
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Serve `POST /v1/events` also at a function URL of the ingest function, on a port of its own, and have the served
   * snippet send there, as `ingestApi: "functionUrl"` (the stack's default) does on AWS. The main port keeps serving
   * every route, as the HTTP API does. @default true
   */
  readonly functionUrl?: boolean;
  /** Port of the function URL on 127.0.0.1. @default 0, any free port */
  readonly functionUrlPort?: number;
  /**
   * Where alerts may be sent. Loopback receivers (and the certificates they present) only with this explicit
   * setting, as a deployed function never may. @default public HTTPS destinations only
   */
  readonly alertsOutbound?: OutboundPolicy;
  /**
   * API Gateway's stage throttling, as `cdk.json` context `throttle` sets it (rate, burst, single methods); beyond it
   * the API answers 429 with `Retry-After`. @default none: the local runtime throttles nothing, because tests and
   * benchmarks load one machine harder than a stage would let through
   */
  readonly throttle?: StageThrottling;
  /** The CRM integration's configuration, as `cdk.json` context `crm` sets it. @default DEFAULT_CRM_CONFIG */
  readonly crm?: CrmConfig;
  /** Where the CRMs are: the tests point them at contract fakes on 127.0.0.1. @default the providers' own addresses */
  readonly crmEndpoints?: CrmEndpoints;
  /** How often the local schedule fans out CRM syncs (the daily schedule on AWS). @default 24 hours */
  readonly crmSyncEveryMs?: number;
  /** Poll the enrichment queue as Lambda does, with its batching window (the benchmark). @default fast local polling */
  readonly lambdaBatching?: LambdaBatching;
  /** Progress and per-request lines. @default console.log */
  readonly log?: (line: string) => void;
  /** Aborting during start stops what already runs and rejects. */
  readonly signal?: AbortSignal;
}

export interface LocalRuntime {
  readonly url: string;
  /** The ingest function URL's base (`functionUrl`), e.g. `http://127.0.0.1:41234`; `POST ${ingestUrl}/v1/events`. */
  readonly ingestUrl?: string;
  readonly apiKey: string;
  /** Whether `apiKey` was generated rather than given. */
  readonly apiKeyGenerated: boolean;
  readonly tableName: string;
  readonly queues: Queues;
  /** The alert delivery queue and its DLQ. */
  readonly deliveryQueues: Queues;
  /** Alert e-mail, kept here instead of being sent (SES on AWS). */
  readonly outbox: EmailOutbox;
  /** Queues the daily digests of `day` (the day before by default), as the daily schedule does on AWS. */
  runDigests(day?: string): Promise<{ queued: number }>;
  /** The CRM jobs queue (sync now, scheduled syncs, continuations). */
  readonly crmQueues: Queues;
  /** What the daily (`sync`) or hourly (`match`) schedule does on AWS, now. */
  runCrmSchedule(task: 'sync' | 'match'): Promise<void>;
  readonly endpoints: { readonly dynamoDb: string; readonly sqs: string };
  /** Stops accepting requests, lets the poller finish its batch, then stops the emulators this runtime started. */
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`stop: ${describeError(error)}`);
      }
    }
    cleanups.length = 0;
  };
  const checkAborted = (): void => {
    if (options.signal?.aborted) throw new Error('Start aborted');
  };

  try {
    if (!existsSync(options.snippetFile)) {
      throw new Error(`${resolve(options.snippetFile)} is missing: run "npm run build:snippet" first`);
    }
    const dashboardDir = resolve(options.dashboardDir ?? join(dirname(options.snippetFile), '..', 'dashboard'));
    if (!existsSync(join(dashboardDir, 'manifest.json'))) {
      throw new Error(`${dashboardDir} holds no built dashboard: run "npm run build:dashboard" first`);
    }
    const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
    // It holds the master key and every lead: the owner's alone, like ~/.ssh.
    if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const names = options.names ?? DEFAULT_NAMES;

    // The port first: a port in use should fail before the slow part, and /healthz can answer 503 meanwhile.
    let handlers: LocalHandlers | undefined;
    let exportFiles: LocalExportFiles | undefined;
    const front = new HttpFront({
      routes: localRoutes(() => handlers),
      staticFiles: options.demoDir === undefined ? [] : demoFiles(resolve(options.demoDir)),
      // Export downloads: S3's part on AWS, answered here under the signed URLs the export storage hands out.
      prefixes: [{ prefix: LOCAL_EXPORTS_PATH, serve: (req, res, url) => required(exportFiles).serve(req, res, url) }],
      authorizer: {
        fn: localFunction('authorizer'),
        handler: (event, context) => required(handlers).authorizer(event, context),
      },
      log,
      ...(options.throttle ? { throttle: options.throttle } : {}),
    });
    const url = await front.listen(options.port ?? 0);
    cleanups.push(() => front.close());
    let ingestUrl: string | undefined;
    if (options.functionUrl ?? true) {
      const urlFront = new FunctionUrlFront({
        fn: localFunction('ingest'),
        handler: (event, context) => required(handlers).ingestUrl(event, context),
        log,
      });
      ingestUrl = await urlFront.listen(options.functionUrlPort ?? 0);
      cleanups.push(() => urlFront.close());
    }

    const { dynamoDbEndpoint, sqsEndpoint } =
      options.emulators ?? (await startLocalEmulators(dataDir && join(dataDir, 'dynamodb'), (emulator) => cleanups.push(() => emulator.stop())));
    checkAborted();

    const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamoDb = new DynamoDBClient({ ...clientConfig, endpoint: dynamoDbEndpoint });
    const sqs = new SQSClient({ ...clientConfig, endpoint: sqsEndpoint });
    const masterKey = dataDir ? persistentMasterKey(dataDir) : randomBytes(32).toString('base64');
    const exportsDir = dataDir ? join(dataDir, 'exports') : mkdtempSync(join(tmpdir(), 'eirlead-exports-'));
    if (!dataDir) cleanups.push(async () => rmSync(exportsDir, { recursive: true, force: true }));
    const infrastructure = emulatorInfrastructure({ dynamoDbEndpoint, sqsEndpoint, masterKey, exportsDir });
    infrastructure.exportFiles.serveAt(url);
    exportFiles = infrastructure.exportFiles;
    cleanups.push(async () => {
      dynamoDb.destroy();
      sqs.destroy();
      infrastructure.destroy();
    });

    const [runtimeQueues] = await Promise.all([
      ensureRuntimeQueues(sqs, names, options.visibilityTimeoutSeconds),
      ensureTable(dynamoDb, names.tableName),
    ]);
    const streamArn = await ensureTableStream(dynamoDb, names.tableName);
    const { queues, deliveryQueues, crmQueues } = runtimeQueues;
    checkAborted();

    const outbox = new EmailOutbox(log);
    const apiKey = options.apiKey ?? ApiKeyStore.newKey();
    await new ApiKeyStore(infrastructure.documentClient, names.tableName).create(
      apiKey,
      { sites: ['*'], scopes: [...ApiScopeSchema.options] },
      DEFAULT_RETENTION.apiKeyDays,
    );

    const loaded = createLocalHandlers(
      {
        tableName: names.tableName,
        queueUrl: queues.queueUrl,
        ipDataDir: resolve(options.ipDataDir),
        snippetFile: resolve(options.snippetFile),
        docsDir: resolve(options.docsDir ?? join('build', 'docs')),
        sites: [DEMO_SITE],
        ipOverrides: NO_IP_OVERRIDES,
        retention: DEFAULT_RETENTION,
        limits: options.limits ?? DEFAULT_BEHAVIOUR_LIMITS,
        ...(ingestUrl ? { eventsUrl: `${ingestUrl}/v1/events` } : {}),
        dashboardDir,
        deliveryQueueUrl: deliveryQueues.queueUrl,
        alerts: DEFAULT_ALERT_SETTINGS,
        apiBaseUrl: url,
        crmJobsQueueUrl: crmQueues.queueUrl,
        crm: options.crm ?? DEFAULT_CRM_CONFIG,
        crmEndpoints: options.crmEndpoints ?? CRM_ENDPOINTS,
      },
      infrastructure,
      {
        trustForwardedFor: options.trustForwardedFor ?? false,
        log,
        alerts: { ...(options.alertsOutbound ? { outbound: options.alertsOutbound } : {}), email: outbox },
        identity: new LocalIdentity(new LocalUserStore(options.usersFile ?? (dataDir && join(dataDir, 'users.json'))), apiKey),
      },
    );
    handlers = loaded;
    checkAborted();

    const { crmSyncEveryMs, lambdaBatching } = options;
    const eventSources = await startEventSources({
      ...{ sqs, dynamoDbEndpoint, streamArn, queues: runtimeQueues, handlers: loaded, infrastructure },
      ...{ crmSyncEveryMs, lambdaBatching, log },
    });
    cleanups.push(() => eventSources.stop());
    front.markReady();

    let stopping: Promise<void> | undefined;
    return {
      url,
      ...(ingestUrl ? { ingestUrl } : {}),
      apiKey,
      apiKeyGenerated: options.apiKey === undefined,
      tableName: names.tableName,
      queues,
      deliveryQueues,
      outbox,
      runDigests: (day) => loaded.alertDigests(day),
      crmQueues,
      runCrmSchedule: (task) => eventSources.runCrmSchedule(task),
      endpoints: { dynamoDb: dynamoDbEndpoint, sqs: sqsEndpoint },
      // The front closes first, so no request reaches a handler whose table is going away, and nothing new is
      // queued while the poller finishes its batch; the emulators go last.
      stop: () => (stopping ??= front.close().then(cleanUp)),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * The route table's routes (functions/contracts/routes.ts), each answered by its function with that function's
 * timeout and memory; the authoriser guards the routes that need an API key, as on AWS.
 */
export function localRoutes(current: () => LocalHandlers | undefined): Route[] {
  return ROUTES.map((route) => ({
    method: route.method,
    resource: route.path,
    fn: localFunction(route.function),
    authorized: route.auth.type === 'apiKey',
    handler: (event, context) => required(current())[route.function](event, context),
  }));
}

function required<T>(handler: T | undefined): T {
  // The front answers 503 until the handlers are loaded, so this only guards against a wiring mistake.
  if (!handler) throw new Error('Handlers are not loaded yet');
  return handler;
}
