import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JdkMissingError } from './dynamodb-local/launcher';
import { DEMO_SITE } from './demo-site';
import { type LocalRuntime, startLocalRuntime } from './runtime';
import { describeError } from './sqs-poller';

/**
 * `npm start`: the whole pipeline on one machine. The environment variables below are a public contract
 * (docs/local-runtime.md); scripts and tests depend on them.
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    console.error(`PORT must be a port number between 1 and 65535, not ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return port;
}

const port = parsePort(process.env.PORT);
const inMemory = process.env.EIRLEAD_IN_MEMORY === '1';
const dataDir = inMemory ? undefined : (process.env.EIRLEAD_DATA_DIR || join(repoRoot, '.eirlead'));
const trustForwardedFor = process.env.TRUST_FORWARDED_FOR === '1';
const apiKey = process.env.LOCAL_API_KEY || undefined;
// Alerts to receivers on this machine (docs/alerts.md): loopback only when asked, with the receiver's certificate.
const alertsAllowLoopback = process.env.ALERTS_ALLOW_LOOPBACK === '1';
const alertsTrustedCertificate = process.env.ALERTS_TRUSTED_CERT ? readFileSync(process.env.ALERTS_TRUSTED_CERT, 'utf8') : undefined;

const startedAt = Date.now();
const startAbort = new AbortController();
let starting: Promise<LocalRuntime> | undefined;
let exiting = false;

/** Every exit path goes through here, so no emulator outlives this process. */
async function shutdown(code: number): Promise<never> {
  if (exiting) {
    // A second Ctrl-C: stop waiting for the graceful path; the exit hook still kills the JVM.
    process.exit(code === 0 ? 130 : code);
  }
  exiting = true;
  startAbort.abort();
  try {
    // A failed or aborted start has already stopped what it started; a finished one is stopped here.
    const runtime = await starting?.catch(() => undefined);
    await runtime?.stop();
  } catch (error) {
    console.error(`Error while stopping: ${describeError(error)}`);
    code = code === 0 ? 1 : code;
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!exiting) console.log(`\n${signal}: stopping…`);
    void shutdown(0);
  });
}
process.on('uncaughtException', (error) => {
  console.error(`Fatal: ${describeError(error)}`);
  void shutdown(1);
});
process.on('unhandledRejection', (reason) => {
  console.error(`Fatal: ${describeError(reason)}`);
  void shutdown(1);
});

starting = startLocalRuntime({
  port,
  dataDir,
  ipDataDir: join(repoRoot, 'build', 'ipdata'),
  snippetFile: join(repoRoot, 'build', 'snippet', 'eirlead.js'),
  dashboardDir: join(repoRoot, 'build', 'dashboard'),
  usersFile: process.env.EIRLEAD_USERS_FILE || undefined,
  demoDir: join(repoRoot, 'local', 'demo'),
  trustForwardedFor,
  apiKey,
  ...(alertsAllowLoopback
    ? { alertsOutbound: { allowLoopback: true, ...(alertsTrustedCertificate ? { trustedCertificates: [alertsTrustedCertificate] } : {}) } }
    : {}),
  signal: startAbort.signal,
});
let runtime: LocalRuntime | undefined;
try {
  runtime = await starting;
} catch (error) {
  if (!exiting) {
    if (error instanceof JdkMissingError) console.error(error.message);
    else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Port ${port} is in use; set PORT to another port.`);
    } else console.error(`The local runtime failed to start: ${describeError(error)}`);
    await shutdown(1);
  }
}

if (runtime && !exiting) {
  const { url } = runtime;
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const keyNote = runtime.apiKeyGenerated ? '  (generated; set LOCAL_API_KEY to choose one)' : '';
  console.log(
    [
      '',
      `Eirlead local runtime ready in ${seconds} s`,
      `  Dashboard ${url}/  (sign in with the API key below, local only, or a user from npm run users -- invite <email> --role sales --local)`,
      `  API      ${url}`,
      ...(runtime.ingestUrl ? [`  Events   ${runtime.ingestUrl}/v1/events  (the ingest function URL, where the served snippet sends; the API takes them too)`] : []),
      `  API key  ${runtime.apiKey}${keyNote}`,
      `  Site     ${DEMO_SITE.siteId}  (origins ${DEMO_SITE.allowedOrigins.join(', ')})`,
      `  Demo     ${url}/demo  (the snippet, ${url}/v1/snippet.js, on a small site with a consent banner)`,
      `  Data     ${dataDir ?? 'in memory (EIRLEAD_IN_MEMORY=1)'}`,
      `  DynamoDB ${runtime.endpoints.dynamoDb}  (table ${runtime.tableName})`,
      `  SQS      ${runtime.endpoints.sqs}  (queue ${runtime.queues.queueUrl.split('/').at(-1)}, DLQ ${runtime.queues.deadLetterQueueUrl.split('/').at(-1)})`,
      `  Visitor  ${trustForwardedFor ? 'first X-Forwarded-For entry (TRUST_FORWARDED_FOR=1)' : 'socket address; TRUST_FORWARDED_FOR=1 to take X-Forwarded-For'}`,
      '',
      '  Record a page view, then list leads. A lead appears only for an organisation\'s address, so locally',
      '  run with TRUST_FORWARDED_FOR=1 and add -H \'X-Forwarded-For: <an address of a company network>\'.',
      '  (curl\'s own User-Agent counts as a bot, hence -A.)',
      `    curl -i ${url}/v1/events -A 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' -H 'Origin: http://localhost:5173' -H 'Content-Type: text/plain' \\`,
      `      -d '{"siteId":"demo","events":[{"id":"'$(node -p "crypto.randomUUID()")'","type":"pageview","url":"http://localhost:5173/pricing"}]}'`,
      `    curl -s ${url}/v1/sites/demo/leads -H 'Authorization: Bearer ${runtime.apiKey}'`,
      '',
      'Ctrl-C stops it.',
    ].join('\n'),
  );
}
