import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { seedLeads } from '../../scripts/bench/lead-seed';
import { runLeadsCli } from '../../scripts/ops/leads';
import { emulatorEndpoints, uniqueName } from './support/local-aws';

/** `npm run leads`, against the local runtime: what a person in a terminal types, and what they see. */
let runtime: LocalRuntime;
let dir: string;

beforeAll(async () => {
  const endpoints = emulatorEndpoints();
  const name = uniqueName('leads-cli');
  runtime = await startLocalRuntime({
    ipDataDir: 'build/ipdata',
    snippetFile: 'build/snippet/eirlead.js',
    emulators: { dynamoDbEndpoint: endpoints.dynamoDb, sqsEndpoint: endpoints.sqs },
    names: { tableName: name, queueName: `${name}-events`, deadLetterQueueName: `${name}-events-dlq` },
    apiKey: `eirlead_test_${randomUUID().replaceAll('-', '')}`,
    log: () => undefined,
  });
  const dynamoDb = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: endpoints.dynamoDb });
  await seedLeads(DynamoDBDocumentClient.from(dynamoDb), runtime.tableName, { siteId: 'demo', count: 5, visitsPerLead: 2 });
  dynamoDb.destroy();
  dir = mkdtempSync(join(tmpdir(), 'eirlead-cli-'));
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function leads(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env = { EIRLEAD_URL: runtime.url, EIRLEAD_API_KEY: runtime.apiKey };
  const code = await runLeadsCli(argv, { env, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('list shows a table of the newest leads, and how to get the next page', async () => {
  const { code, out } = await leads('list', '--limit', '2');
  const lines = out.split('\n');
  expect(code).toBe(0);
  expect(lines[0]).toMatch(/^leadId\s+organisation\s+country\s+confidence\s+visits\s+pageviews\s+lastSeenAt$/);
  expect(lines.slice(1, 3).map((line) => line.split(/\s{2,}/)[1])).toEqual(['Example Organisation 0', 'Example Organisation 1']);
  expect(lines[3]).toMatch(/^more: --cursor \S+ \(or --all\)$/);
});

it('list --all --json follows every page; filters narrow it', async () => {
  const all = JSON.parse((await leads('list', '--all', '--json')).out) as { leadId: string }[];
  expect(all).toHaveLength(5);
  const german = JSON.parse((await leads('list', '--json', '--country', 'de', '--min-visits', '2')).out) as { items: { location: { country: string } }[] };
  expect(german.items.map((lead) => lead.location.country)).toEqual(['DE']);
});

it('get shows a lead and its visits', async () => {
  const [first] = JSON.parse((await leads('list', '--all', '--json')).out) as { leadId: string }[];
  const { code, out } = await leads('get', first?.leadId ?? '');
  expect(code).toBe(0);
  expect(out).toContain('Example Organisation 0 (org0.example)  DE, Example City');
  expect(out).toMatch(/2 visits, 4 page views/);
  expect(out.split('\n').filter((line) => line.endsWith('/ /pricing'))).toHaveLength(2);
});

it('export starts a job, waits for it and downloads the file', async () => {
  const file = join(dir, 'leads.csv');
  const { code, out } = await leads('export', '--format', 'csv', '--out', file, '--min-pageviews', '2');
  expect(code).toBe(0);
  expect(out).toMatch(/leads\.csv: 5 leads, \d+ bytes$/);
  const rows = readFileSync(file, 'utf8').trim().split('\n');
  expect(rows[0]?.startsWith('leadId,organisation,domain')).toBe(true);
  expect(rows).toHaveLength(6);
});

it('hide, hidden and show: a hidden organisation leaves the list until it is shown again', async () => {
  const hidden = await leads('hide', '--domain', 'org1.example');
  expect(hidden.out).toMatch(/^hidden (\S+) \(domain org1\.example\) until \S+$/);
  const hiddenId = /^hidden (\S+)/.exec(hidden.out)?.[1] ?? '';
  expect((await leads('hidden')).out.split('\n')[1]).toMatch(new RegExp(`^${hiddenId}\\s+domain org1\\.example\\s+\\S+$`));
  const listed = JSON.parse((await leads('list', '--all', '--json')).out) as { organisation: { domain: string } }[];
  expect(listed.map((lead) => lead.organisation.domain)).not.toContain('org1.example');
  expect(await leads('show', hiddenId)).toEqual({ code: 0, out: `${hiddenId} is shown again`, err: '' });
  expect(JSON.parse((await leads('list', '--all', '--json')).out)).toHaveLength(5);
  expect((await leads('hide')).code).toBe(2);
});

it("prints the API's refusal with the field it names and the request id, and exits 1", async () => {
  const { code, err } = await leads('list', '--min-visits', 'many');
  expect(code).toBe(1);
  expect(err).toMatch(/^leads: 400 BadRequest: .*\(request \S+\)/);
  expect(err).toContain('minVisits:');
  const unknown = await leads('get', 'f'.repeat(24));
  expect([unknown.code, unknown.err]).toEqual([1, expect.stringMatching(/^leads: 404 NotFound/)]);
});

it('exits 2 with the usage for an unknown command or option, 1 for a wrong key', async () => {
  expect((await leads('unhide')).code).toBe(2);
  expect((await leads('list', '--colour')).code).toBe(2);
  const out: string[] = [];
  const wrongKey = await runLeadsCli(['list'], { env: { EIRLEAD_URL: runtime.url, EIRLEAD_API_KEY: 'eirl_wrong' }, out: (line) => out.push(line), err: (line) => out.push(line) });
  expect([wrongKey, out.join('\n')]).toEqual([1, expect.stringMatching(/^leads: 401/)]);
});

it('runs as `npm run leads` does (tsx scripts/ops/leads.ts), configured by the environment', async () => {
  // Asynchronously: the runtime answering the child lives in this process.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/ops/leads.ts', 'list', '--json', '--limit', '1'], {
    encoding: 'utf8',
    env: { ...process.env, EIRLEAD_URL: runtime.url, EIRLEAD_API_KEY: runtime.apiKey },
    timeout: 30_000,
  });
  expect((JSON.parse(stdout) as { items: unknown[] }).items).toHaveLength(1);
}, 40_000);
