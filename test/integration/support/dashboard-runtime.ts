import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { freePort } from '../../../local/emulators';
import { addressOf } from './ip-addresses';
import { descendantsMatching } from './processes';

/** `npm start`'s runtime in a child process, seeded with page views of a few organisations, and a headless Chromium. */

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless Chromium says "HeadlessChrome", which ingest drops as a bot: the seeded visitors are desktop Chrome. */
export const DESKTOP_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36';
const sleep = (ms: number) => new Promise((resolveWait) => setTimeout(resolveWait, ms));

export interface StartedRuntime {
  readonly url: string;
  readonly apiKey: string;
  readonly browser: Browser;
  stop(): Promise<void>;
}

export async function startRuntimeAndBrowser(environment: Record<string, string>): Promise<StartedRuntime> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const apiKey = `eirl_test_${randomUUID()}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), EIRLEAD_IN_MEMORY: '1', LOCAL_API_KEY: apiKey, TRUST_FORWARDED_FOR: '1', ...environment },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stopChild = async () => {
    const pid = child.pid;
    if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const jvms = descendantsMatching(pid, 'DynamoDBLocal');
    const exited = once(child, 'exit');
    process.kill(-pid, 'SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((done) => (timer = setTimeout(() => done(false), 15_000)))]);
    clearTimeout(timer);
    if (!stopped) {
      process.kill(-pid, 'SIGKILL');
      for (const jvm of jvms) process.kill(jvm, 'SIGKILL');
    }
  };
  try {
    const [browser] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'] }),
      (async () => {
        const started = Date.now();
        for (;;) {
          if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
          if ((await fetch(`${url}/healthz`).then((response) => response.status, () => 0)) === 200) return;
          if (Date.now() - started > 45_000) throw new Error(`/healthz not 200 within 45 s:\n${output}`);
          await sleep(200);
        }
      })(),
    ]);
    return {
      url,
      apiKey,
      browser,
      stop: async () => {
        await browser.close();
        await stopChild();
      },
    };
  } catch (error) {
    await stopChild();
    throw error;
  }
}

/** Organisations whose networks the bundled data classes as business. */
const ORGANISATIONS = ['SAP SE', 'Siemens', 'BASF', 'Robert Bosch', 'Allianz', 'Bayer'];

/** Page views from each organisation's network, as the snippet sends them; returns the visitors' addresses by name. */
export async function seedVisits(url: string): Promise<Map<string, string>> {
  const seeded = new Map<string, string>();
  for (const [index, prefix] of ORGANISATIONS.entries()) {
    let ip: string;
    try {
      ip = addressOf(prefix).ip;
    } catch {
      continue;
    }
    const paths = ['/', '/pricing', '/features', '/contact'].slice(0, 2 + (index % 3));
    const events = paths.map((path, step) => ({
      id: randomUUID(),
      type: 'pageview',
      url: `http://localhost:5173${path}`,
      title: `Page ${path}`,
      occurredAt: new Date(Date.now() - (paths.length - step) * 45_000).toISOString(),
    }));
    const response = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://localhost:5173', 'user-agent': DESKTOP_CHROME, 'x-forwarded-for': ip },
      body: JSON.stringify({ siteId: 'demo', events }),
    });
    if (response.status !== 202) throw new Error(`events for ${prefix}: ${response.status} ${await response.text()}`);
    seeded.set(prefix, ip);
  }
  return seeded;
}

/** Waits until the leads API lists at least `count` leads (enrichment runs from the queue). */
export async function waitForLeads(url: string, apiKey: string, count: number): Promise<Array<{ leadId: string; organisation: { name: string }; location: { country: string } }>> {
  const started = Date.now();
  for (;;) {
    const response = await fetch(`${url}/v1/sites/demo/leads?limit=100`, { headers: { authorization: `Bearer ${apiKey}` } });
    const body = (await response.json()) as { items: Array<{ leadId: string; organisation: { name: string }; location: { country: string } }> };
    if (body.items.length >= count) return body.items;
    if (Date.now() - started > 30_000) throw new Error(`only ${body.items.length} leads after 30 s`);
    await sleep(300);
  }
}
