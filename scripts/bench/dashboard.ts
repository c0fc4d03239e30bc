/**
 * The feed's first render, measured (issue 17: at most 1 s on the local runtime with 500 leads): the local runtime
 * in this process (DynamoDB Local and the SQS emulator in memory), a site seeded with 500 leads, and headless
 * Chromium signed in with LOCAL_API_KEY. Each run opens the feed in a fresh browser context (cold cache, the
 * session cookie carried over) and reads, through the DevTools protocol, `performance.now()` at the moment the
 * feed's first page of rows (100) is in the document: the time from navigation start to the rows visible. A
 * measurement, not a test: it prints the figures and fails nothing.
 *
 *   npm run bench:dashboard                    500 leads, 1 warm-up and 7 measured runs
 *   npm run bench:dashboard -- --leads 2000 --runs 11
 *
 * Needs `npm run build:dashboard` (the app) and Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { startLocalRuntime } from '../../local/runtime';
import { seedLeads } from './lead-seed';

const { values } = parseArgs({ options: { leads: { type: 'string', default: '500' }, runs: { type: 'string', default: '7' } } });
const LEADS = Number(values.leads);
const RUNS = Number(values.runs);
const FIRST_PAGE = 100;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Run {
  /** Navigation start to the rows in the document, by the page's own clock. */
  readonly pageMs: number;
  /** The same span from this process: goto until the rows were seen (includes the protocol's round trips). */
  readonly wallMs: number;
  /** Request start to response end of each API call the load made (session, leads, annotations, views). */
  readonly apiMs: Readonly<Record<string, number>>;
}

async function signIn(browser: Browser, url: string, apiKey: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${url}/sign-in`);
  await page.fill('#apiKey', apiKey);
  await page.click('button[value=local-key]');
  await page.waitForSelector(`table.leads tbody tr:nth-child(${FIRST_PAGE})`, { timeout: 30_000 });
  return context;
}

async function measure(browser: Browser, url: string, signedIn: BrowserContext): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, storageState: await signedIn.storageState() });
  try {
    const page = await context.newPage();
    const devtools = await context.newCDPSession(page);
    const apiMs: Record<string, number> = {};
    page.on('requestfinished', (request) => {
      const name = /\/v1\/(?:sites\/[^/]+\/)?([a-z-]+)/.exec(new URL(request.url()).pathname)?.[1];
      if (name && apiMs[name] === undefined) apiMs[name] = request.timing().responseEnd;
    });
    const started = performance.now();
    await page.goto(`${url}/#/feed`, { waitUntil: 'commit' });
    await page.waitForSelector(`table.leads tbody tr:nth-child(${FIRST_PAGE})`, { timeout: 30_000 });
    const wallMs = performance.now() - started;
    // The protocol's evaluation is not the page's eval, so the CSP (no 'unsafe-eval') does not refuse it.
    const { result } = (await devtools.send('Runtime.evaluate', { expression: 'performance.now()', returnByValue: true })) as { result: { value: number } };
    return { pageMs: result.value, wallMs, apiMs };
  } finally {
    await context.close();
  }
}

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const apiKey = `eirl_bench_${randomUUID().replaceAll('-', '')}`;
  const runtime = await startLocalRuntime({ ipDataDir: 'build/ipdata', snippetFile: 'build/snippet/eirlead.js', apiKey, functionUrl: false, log: () => undefined });
  let browser: Browser | undefined;
  const stop = () => void Promise.allSettled([browser?.close(), runtime.stop()]).then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const dynamoDb = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: runtime.endpoints.dynamoDb });
  try {
    const seedStarted = performance.now();
    // Seen within the last 7 days, so the feed's default period (30 days) holds every one.
    await seedLeads(DynamoDBDocumentClient.from(dynamoDb), runtime.tableName, { siteId: 'demo', count: LEADS, visitsPerLead: 2, spreadMs: 7 * 86_400_000 });
    console.log(`dashboard bench: ${LEADS} leads seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    const signedIn = await signIn(browser, runtime.url, apiKey);
    const warmUp = await measure(browser, runtime.url, signedIn);
    console.log(`dashboard bench: warm-up ${warmUp.pageMs.toFixed(0)} ms (not counted)`);
    const runs: Run[] = [];
    for (let run = 0; run < RUNS; run += 1) runs.push(await measure(browser, runtime.url, signedIn));
    const pageMs = runs.map((run) => run.pageMs);
    console.log(`dashboard bench: runs (navigation start → ${FIRST_PAGE} rows visible, cold browser cache): ${pageMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    console.log(
      `dashboard bench: feed first render with ${LEADS} leads: median ${median(pageMs).toFixed(0)} ms, worst ${Math.max(...pageMs).toFixed(0)} ms ` +
        `(from this process: median ${median(runs.map((run) => run.wallMs)).toFixed(0)} ms); goal ≤ 1000 ms`,
    );
    const calls = [...new Set(runs.flatMap((run) => Object.keys(run.apiMs)))];
    console.log(`dashboard bench: API calls, median request → response end: ${calls.map((name) => `${name} ${median(runs.map((run) => run.apiMs[name] ?? 0)).toFixed(0)} ms`).join(', ')}`);
    await signedIn.close();
  } finally {
    await browser?.close();
    dynamoDb.destroy();
    await runtime.stop();
  }
}

await main();
