import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ApiScopeSchema } from '../functions/contracts/api/api-keys';
import { EXPORT_RETENTION_HOURS } from '../functions/contracts/api/exports';
import { type BehaviourLimits, DEFAULT_BEHAVIOUR_LIMITS, DEFAULT_RETENTION, NO_IP_OVERRIDES, type Site } from '../functions/contracts/deployment-config';
import { FUNCTIONS } from '../functions/contracts/functions';
import { ROUTES } from '../functions/contracts/routes';
import { ApiKeyStore } from '../functions/adapters/dynamodb/api-key-store';
import type { Route } from './api-gateway/router';
import { HttpFront } from './api-gateway/server';
import type { StaticFile } from './api-gateway/static-files';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, startSqsEmulator } from './emulators';
import { FunctionUrlFront } from './function-url';
import { createLocalHandlers, type LocalHandlers, localFunction } from './functions';
import { LOCAL_EXPORTS_PATH, type LocalExportFiles } from './export-files';
import { emulatorInfrastructure } from './infrastructure';
import { LocalIdentity } from './identity/local-identity';
import { LocalUserStore } from './identity/local-users';
import { ensureQueues, ensureTable, type Queues } from './resources';
import { describeError, SqsPoller } from './sqs-poller';

/** The site every local runtime serves (docs/local-runtime.md). */
export const DEMO_SITE: Site = {
  siteId: 'demo',
  allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
  leadClasses: ['business'],
};

/** As the hourly schedule does on AWS (lib/constructs/salt-cleanup.ts). */
const SALT_CLEANUP_INTERVAL_MS = 3_600_000;

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
    const names = options.names ?? {
      tableName: 'eirlead',
      queueName: 'eirlead-events',
      deadLetterQueueName: 'eirlead-events-dlq',
    };

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

    let dynamoDbEndpoint: string;
    let sqsEndpoint: string;
    if (options.emulators) {
      ({ dynamoDbEndpoint, sqsEndpoint } = options.emulators);
    } else {
      const [dynamoDb, sqs] = await Promise.allSettled([
        startDynamoDbLocal({ dataDir: dataDir && join(dataDir, 'dynamodb'), detached: true }),
        startSqsEmulator(),
      ]);
      for (const started of [dynamoDb, sqs]) {
        if (started.status === 'fulfilled') {
          const emulator = started.value;
          cleanups.push(() => emulator.stop());
        }
      }
      if (dynamoDb.status === 'rejected') throw dynamoDb.reason;
      if (sqs.status === 'rejected') throw sqs.reason;
      dynamoDbEndpoint = dynamoDb.value.endpoint;
      sqsEndpoint = sqs.value.endpoint;
    }
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

    const [queues] = await Promise.all([
      ensureQueues(sqs, { queueName: names.queueName, deadLetterQueueName: names.deadLetterQueueName }, DEFAULT_RETENTION, options.visibilityTimeoutSeconds),
      ensureTable(dynamoDb, names.tableName),
    ]);
    checkAborted();

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
      },
      infrastructure,
      {
        trustForwardedFor: options.trustForwardedFor ?? false,
        log,
        identity: new LocalIdentity(new LocalUserStore(options.usersFile ?? (dataDir && join(dataDir, 'users.json'))), apiKey),
      },
    );
    handlers = loaded;
    checkAborted();

    const poller = new SqsPoller({
      client: sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      fn: localFunction('enrichment'),
      handler: loaded.enrichment,
      batchSize: FUNCTIONS.enrichment.queueBatch.batchSize,
      log,
    });
    poller.start();
    cleanups.push(() => poller.stop());

    // As the hourly schedule does on AWS: a persisted data directory may hold salts whose time is up.
    const { saltCleanup } = loaded;
    const destroySalts = () =>
      saltCleanup().then(
        ({ destroyed }) => destroyed.length > 0 && log(`salt cleanup: destroyed the salts of ${destroyed.join(', ')}`),
        (error: unknown) => log(`salt cleanup failed: ${describeError(error)}`),
      );
    await destroySalts();
    // As the export bucket's lifecycle rule does: export files go a day after they were written.
    const sweepExports = () => infrastructure.exportFiles.sweep(EXPORT_RETENTION_HOURS * 3_600_000);
    sweepExports();
    const saltTimer = setInterval(() => {
      void destroySalts();
      sweepExports();
    }, SALT_CLEANUP_INTERVAL_MS);
    saltTimer.unref();
    cleanups.push(async () => clearInterval(saltTimer));
    front.markReady();

    let stopping: Promise<void> | undefined;
    return {
      url,
      ...(ingestUrl ? { ingestUrl } : {}),
      apiKey,
      apiKeyGenerated: options.apiKey === undefined,
      tableName: names.tableName,
      queues,
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

/**
 * The demo site: one single-page app answering at three paths, so that a reload or a shared link of any
 * page works, and its script and styles. Listed one by one: nothing else under the directory is served.
 */
function demoFiles(demoDir: string): StaticFile[] {
  const page = join(demoDir, 'index.html');
  const html = 'text/html; charset=utf-8';
  return [
    { path: '/demo', file: page, contentType: html },
    { path: '/demo/pricing', file: page, contentType: html },
    { path: '/demo/contact', file: page, contentType: html },
    { path: '/demo/demo.js', file: join(demoDir, 'demo.js'), contentType: 'text/javascript; charset=utf-8' },
    { path: '/demo/demo.css', file: join(demoDir, 'demo.css'), contentType: 'text/css; charset=utf-8' },
  ];
}

/**
 * The local stand-in for the KMS key: created once, readable only by the owner, and kept so that daily salts
 * stored before a restart can still be decrypted after it.
 */
function persistentMasterKey(dataDir: string): string {
  const path = join(dataDir, 'master.key');
  if (!existsSync(path)) {
    try {
      writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it between the check and the write; use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = readFileSync(path, 'utf8').trim();
  if (Buffer.from(key, 'base64').length !== 32) {
    throw new Error(`${path} does not hold a base64 256-bit key; delete it (and the data it protects) to start afresh`);
  }
  return key;
}
