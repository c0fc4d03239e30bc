import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createSqsServer } from 'local-aws-sqs';
import { REGION } from '../functions/contracts/names';
import { launchDynamoDbLocal } from './dynamodb-local/launcher';

/** Credentials the emulators accept; they are never checked, but the SDK refuses to sign without some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
/** The emulators answer any region; the clients are pinned to the product's one region anyway. */
export const LOCAL_REGION = REGION;

export interface RunningEmulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Stops a child process and waits for it; SIGKILL after a grace period so no JVM outlives us. */
async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface DynamoDbLocalOptions {
  /** Directory for the database files. @default in memory */
  readonly dataDir?: string;
  /** @default a free port */
  readonly port?: number;
  /**
   * Run the JVM in its own process group, so a Ctrl-C in the terminal reaches only Node, which then stops
   * the JVM after the work in flight. The owner must then stop it on every exit path.
   * @default false
   */
  readonly detached?: boolean;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  // The JVM runs in another directory, so a relative data directory would land there.
  const dataDir = options.dataDir === undefined ? null : resolvePath(options.dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = launchDynamoDbLocal({ port, dataDir, detached: options.detached ?? false });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // A crashed or killed Node parent must not leave the JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${output.trim()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start within 60 s: ${output.trim()}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } catch (error) {
    await stopProcess(child);
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    async stop() {
      process.removeListener('exit', killOnExit);
      await stopProcess(child);
    },
  };
}

export interface SqsEmulatorOptions {
  /** @default a free port */
  readonly port?: number;
}

export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  const server: Server = await createSqsServer({
    port,
    hostname: '127.0.0.1',
    region: LOCAL_REGION,
    // Tests create and delete queues with unique names; the 60 s re-creation delay of real SQS only slows them.
    emulateQueueCreationLifecycle: false,
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * DynamoDB Local (its JVM in its own process group, so Ctrl-C reaches only Node) and the SQS emulator, started
 * together. `started` receives each emulator that came up, so the caller can stop it even when the other failed.
 */
export async function startLocalEmulators(
  dynamoDbDataDir: string | undefined,
  started: (emulator: RunningEmulator) => void,
): Promise<{ readonly dynamoDbEndpoint: string; readonly sqsEndpoint: string }> {
  const [dynamoDb, sqs] = await Promise.allSettled([startDynamoDbLocal({ ...(dynamoDbDataDir ? { dataDir: dynamoDbDataDir } : {}), detached: true }), startSqsEmulator()]);
  for (const result of [dynamoDb, sqs]) if (result.status === 'fulfilled') started(result.value);
  if (dynamoDb.status === 'rejected') throw dynamoDb.reason;
  if (sqs.status === 'rejected') throw sqs.reason;
  return { dynamoDbEndpoint: dynamoDb.value.endpoint, sqsEndpoint: sqs.value.endpoint };
}
