import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ApiScopeSchema } from '../functions/contracts/api/api-keys';
import {
  CRM_ENDPOINTS,
  DEFAULT_ALERT_SETTINGS,
  DEFAULT_BEHAVIOUR_LIMITS,
  DEFAULT_CRM_CONFIG,
  DEFAULT_RETENTION,
  NO_IP_OVERRIDES,
} from '../functions/contracts/deployment-config';
import { ROUTES } from '../functions/contracts/routes';
import { ApiKeyStore } from '../functions/adapters/dynamodb/api-key-store';
import type { Route } from './api-gateway/router';
import { HttpFront } from './api-gateway/server';
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
import { ensureTable, ensureTableStream } from './resources';
import { describeError } from './sqs-poller';
import { ensureRuntimeQueues, startEventSources } from './event-sources';
import type { LocalRuntime, LocalRuntimeOptions } from './runtime-options';

const DEFAULT_NAMES = { tableName: 'eirlead', queueName: 'eirlead-events', deadLetterQueueName: 'eirlead-events-dlq' } as const;

export type { LocalRuntime, LocalRuntimeOptions } from './runtime-options';

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
