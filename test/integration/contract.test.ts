import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createEirleadClient, type EirleadClient, waitForExport } from '../../clients/typescript';
import { ROUTES } from '../../functions/contracts/routes';
import type { RouteDefinition } from '../../functions/contracts/routes/route';
import { ApiKeyStore } from '../../functions/adapters/dynamodb/api-key-store';
import { IdempotencyStore } from '../../functions/adapters/dynamodb/idempotency-store';
import { idempotencyKeyHash, requestBodyHash } from '../../functions/leads-api/idempotency';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { seedLeads } from '../../scripts/bench/lead-seed';
import { HubSpotFake } from '../../scripts/fakes/crm/hubspot-fake';
import { CRM_ENDPOINTS } from '../../functions/contracts/deployment-config';
import { emulatorEndpoints, uniqueName } from './support/local-aws';

/**
 * The contract test (issue 19): every operation of the document, exercised over HTTP through the local runtime
 * (the same handlers as on AWS, behind the same authoriser), and every answer, error answers included, held to the
 * document the runtime serves: its status is documented for the operation, its body validates against the
 * documented schema (ajv, JSON Schema 2020-12), its media type is the documented one, and it carries X-Request-Id.
 * Served but undocumented, or documented but not served, fails.
 */
type MediaObject = { schema?: object };
type DocumentedResponse = { content?: Record<string, MediaObject> };
type OpenApi = { paths: Record<string, Record<string, { operationId: string; responses: Record<string, DocumentedResponse> }>> };

const documented = (ROUTES as readonly RouteDefinition[]).filter((route) => route.documented !== false);
const templateOf = (path: string) => new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`);

let runtime: LocalRuntime;
let document: OpenApi;
/** The runtime's table, for what a test must put there itself. */
let dynamoDb: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let client: EirleadClient;
let readOnlyKey: string;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
/** `operationId status` of every answer seen. */
const exercised = new Set<string>();
const problems: string[] = [];

async function check(method: string, url: URL, response: Response): Promise<void> {
  const route = documented.find((candidate) => candidate.method === method && templateOf(candidate.path).test(url.pathname));
  const where = `${method} ${url.pathname} ${response.status}`;
  if (!route) return void problems.push(`${where}: no documented operation`);
  exercised.add(`${route.operationId} ${response.status}`);
  const answer = document.paths[route.path]?.[method.toLowerCase()]?.responses[String(response.status)];
  if (!answer) return void problems.push(`${where}: status not documented for ${route.operationId}`);
  if (!response.headers.get('x-request-id')) problems.push(`${where}: no X-Request-Id`);
  const body = await response.text();
  const content = Object.entries(answer.content ?? {});
  if (content.length === 0) {
    if (body !== '') problems.push(`${where}: a body where the document has none`);
    return;
  }
  const contentType = response.headers.get('content-type') ?? '';
  const media = content.find(([type]) => contentType.startsWith(type));
  if (!media) return void problems.push(`${where}: Content-Type ${contentType}, documented ${content.map(([type]) => type).join(', ')}`);
  if (media[0] !== 'application/json' || !media[1].schema) return;
  const pointer = `openapi#/paths/${route.path.replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${response.status}/content/application~1json/schema`;
  const validate = ajv.compile({ $ref: pointer });
  if (!validate(JSON.parse(body))) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
}

/** Every request of this file goes through here (the typed client's too), so every answer is checked. */
const checkedFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const response = await fetch(request);
  await check(request.method, new URL(request.url), response.clone());
  return response;
};
const call = (path: string, init: RequestInit = {}) => checkedFetch(`${runtime.url}${path}`, init);
const keyed = (key: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${key}`, ...extra });
const json = (body: unknown) => ({ 'Content-Type': 'application/json', body: JSON.stringify(body) });
const post = (path: string, key: string, body: unknown, headers: Record<string, string> = {}) => {
  const { body: text, ...type } = json(body);
  return call(path, { method: 'POST', headers: keyed(key, { ...type, ...headers }), body: text });
};

const hubspot = new HubSpotFake();
const HUBSPOT_TOKEN = 'pat-eu1-contract-test-token-000001';

beforeAll(async () => {
  const endpoints = emulatorEndpoints();
  const hubspotUrl = await hubspot.start();
  hubspot.tokens.set(HUBSPOT_TOKEN, ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.schemas.companies.read', 'crm.objects.contacts.write']);
  hubspot.createEirleadProperties();
  const name = uniqueName('contract');
  runtime = await startLocalRuntime({
    ipDataDir: 'build/ipdata',
    snippetFile: 'build/snippet/eirlead.js',
    emulators: { dynamoDbEndpoint: endpoints.dynamoDb, sqsEndpoint: endpoints.sqs },
    names: { tableName: name, queueName: `${name}-events`, deadLetterQueueName: `${name}-events-dlq` },
    apiKey: `eirlead_test_${randomUUID().replaceAll('-', '')}`,
    // Alert endpoints on this machine (nothing listens on port 9: deliveries fail and are logged, which is enough here).
    alertsOutbound: { allowLoopback: true },
    crmEndpoints: { ...CRM_ENDPOINTS, hubspot: hubspotUrl },
    // The stage's throttling, as cdk.json context `throttle` sets it, with one method held tight enough to provoke
    // API Gateway's own 429 (no other test here calls it twice).
    throttle: { rateLimit: 10_000, burstLimit: 5_000, methods: { '/v1/session/GET': { rateLimit: 1, burstLimit: 1 } } },
    log: () => undefined,
  });
  document = (await (await fetch(`${runtime.url}/v1/openapi.json`)).json()) as OpenApi;
  ajv.addSchema({ ...document, $id: 'openapi' });
  client = createEirleadClient({ baseUrl: runtime.url, apiKey: runtime.apiKey, fetch: checkedFetch });

  dynamoDb = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: endpoints.dynamoDb });
  doc = DynamoDBDocumentClient.from(dynamoDb);
  readOnlyKey = ApiKeyStore.newKey();
  await new ApiKeyStore(doc, runtime.tableName).create(readOnlyKey, { sites: ['demo'], scopes: ['leads:read'] }, 1);
  await seedLeads(doc, runtime.tableName, { siteId: 'demo', count: 3, visitsPerLead: 2 });
}, 60_000);
afterAll(async () => {
  dynamoDb?.destroy();
  await runtime?.stop();
  await hubspot.stop();
});

afterEach(() => {
  expect(problems.splice(0)).toEqual([]);
});

describe('the document and the route table', () => {
  it('the runtime serves the document the route table produces, and it documents every route but the CORS preflight', async () => {
    const served = await call('/v1/openapi.json');
    expect(served.status).toBe(200);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(documented.map((route) => `${route.method} ${route.path}`).sort());
    // Not operations: the CORS preflight, and the dashboard's pages and sign-in forms (HTML for browsers).
    const undocumented = (ROUTES as readonly RouteDefinition[]).filter((route) => route.documented === false);
    expect(undocumented.filter((route) => route.function !== 'dashboard').map((route) => route.method)).toEqual(['OPTIONS']);
    expect(undocumented.filter((route) => route.function === 'dashboard').map((route) => route.path).sort()).toEqual(['/', '/assets/{asset}', '/privacy-record', '/sign-in', '/sign-in', '/sign-out']);
  });

  it('the CORS preflight, not documented, is served', async () => {
    const preflight = await fetch(`${runtime.url}/v1/events`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:8080', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
  });
});

describe('the CRM routes (against the HubSpot contract fake)', () => {
  it('connect, list, status, sync, settings, rotate, push, link, unlink and disconnect answer as documented', async () => {
    const key = runtime.apiKey;
    const company = hubspot.addCompany({ name: 'Contract Test Company GmbH', domain: 'contract.example' });
    const created = await post('/v1/sites/demo/crm/connections', key, { provider: 'hubspot', credentials: { token: HUBSPOT_TOKEN } });
    expect(created.status).toBe(201);
    const { connectionId } = (await created.json()) as { connectionId: string };
    const base = `/v1/sites/demo/crm/connections/${connectionId}`;
    expect((await call('/v1/sites/demo/crm/connections', { headers: keyed(key) })).status).toBe(200);
    for (let i = 0; i < 200; i++) {
      const status = (await (await call(`${base}/status`, { headers: keyed(key) })).json()) as { lastRun?: { outcome: string } };
      if (status.lastRun?.outcome === 'succeeded') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await post(`${base}/sync`, key, undefined)).status).toBe(202);
    expect((await post(`${base}/settings`, key, { fields: ['lastSeen', 'visits'] })).status).toBe(200);
    expect((await post(`${base}/credentials`, key, { token: HUBSPOT_TOKEN })).status).toBe(200);
    const leads = (await (await call('/v1/sites/demo/leads', { headers: keyed(key) })).json()) as { items: { leadId: string }[] };
    const leadId = leads.items[0]?.leadId ?? '';
    expect((await post('/v1/sites/demo/crm/push', key, { leadIds: [leadId], dryRun: true })).status).toBe(200);
    expect((await post('/v1/sites/demo/crm/push', key, { leadIds: [leadId] })).status).toBe(200);
    expect((await post(`/v1/sites/demo/leads/${leadId}/crm-link`, key, { accountId: company.id })).status).toBe(200);
    expect((await call(`/v1/sites/demo/leads/${leadId}/crm-link`, { method: 'DELETE', headers: keyed(key) })).status).toBe(204);
    expect((await call(base, { method: 'DELETE', headers: keyed(key) })).status).toBe(200);
  });
});

describe('public routes', () => {
  it('the reference page and its scripts', async () => {
    const page = await call('/docs');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await call('/docs/redoc.standalone.js')).status).toBe(200);
    expect((await call('/docs/init.js')).status).toBe(200);
    expect((await call('/docs/nothing.js')).status).toBe(404);
  });

  it('the snippet, and 304 for the copy a browser holds', async () => {
    const snippet = await call('/v1/snippet.js');
    expect(snippet.status).toBe(200);
    const etag = snippet.headers.get('etag') ?? '';
    expect((await call('/v1/snippet.js', { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });

  it('events: accepted, invalid, unknown site, too large, wrong media type', async () => {
    const origin = { Origin: 'http://localhost:8080', 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' };
    const send = (body: string, type = 'application/json') => call('/v1/events', { method: 'POST', headers: { ...origin, 'Content-Type': type }, body });
    const event = { id: randomUUID(), type: 'pageview', url: 'http://localhost:8080/pricing' };
    const statuses = [
      (await send(JSON.stringify({ siteId: 'demo', events: [event] }), 'text/plain')).status,
      (await send(JSON.stringify({ siteId: 'demo', events: [] }))).status,
      (await send(JSON.stringify({ siteId: 'nope', events: [event] }))).status,
      (await send('x'.repeat(17 * 1024))).status,
      (await send('siteId=demo', 'application/x-www-form-urlencoded')).status,
    ];
    expect(statuses).toEqual([202, 400, 403, 413, 415]);
  });
});

describe('leads, through the typed client', () => {
  it('lists, filters, reads (with ETag and 304) and refuses a bad query', async () => {
    const list = await client.GET('/v1/sites/{siteId}/leads', { params: { path: { siteId: 'demo' }, query: { limit: 2 } } });
    expect(list.data?.items).toHaveLength(2);
    expect(list.data?.nextCursor).toEqual(expect.any(String));
    const filtered = await client.GET('/v1/sites/{siteId}/leads', { params: { path: { siteId: 'demo' }, query: { minVisits: '2', path: '/pricing' } } });
    expect(filtered.data?.items).toHaveLength(3);
    const bad = await client.GET('/v1/sites/{siteId}/leads', { params: { path: { siteId: 'demo' }, query: { limit: 500 } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error?.error.requestId).toEqual(bad.response.headers.get('x-request-id'));

    const leadId = list.data?.items[0]?.leadId ?? '';
    const lead = await client.GET('/v1/sites/{siteId}/leads/{leadId}', { params: { path: { siteId: 'demo', leadId } } });
    expect(lead.data?.visits).toHaveLength(2);
    const etag = lead.response.headers.get('etag') ?? '';
    const again = await client.GET('/v1/sites/{siteId}/leads/{leadId}', { params: { path: { siteId: 'demo', leadId }, header: { 'If-None-Match': etag } } });
    expect(again.response.status).toBe(304);
    const missing = await client.GET('/v1/sites/{siteId}/leads/{leadId}', { params: { path: { siteId: 'demo', leadId: 'f'.repeat(24) } } });
    expect(missing.response.status).toBe(404);
  });

  it('401 without a key, 403 for a key without the scope', async () => {
    expect((await call('/v1/sites/demo/leads')).status).toBe(401);
    const leadId = (await client.GET('/v1/sites/{siteId}/leads', { params: { path: { siteId: 'demo' } } })).data?.items[0]?.leadId ?? '';
    expect((await call(`/v1/sites/demo/leads/${leadId}`, { method: 'DELETE', headers: keyed(readOnlyKey) })).status).toBe(403);
  });
});

describe('hidden organisations', () => {
  it('hide (again: the same entry), list, refuse two rules at once; an unknown one is a 404', async () => {
    const hidden = await post('/v1/sites/demo/hidden-organisations', runtime.apiKey, { domain: 'org2.example' });
    expect(hidden.status).toBe(201);
    const entry = (await hidden.json()) as { hiddenId: string };
    // The same entry (its hiddenAt is refreshed: main's store writes it again).
    expect(await (await post('/v1/sites/demo/hidden-organisations', runtime.apiKey, { domain: 'org2.example' })).json()).toMatchObject({ hiddenId: entry.hiddenId });
    expect((await post('/v1/sites/demo/hidden-organisations', runtime.apiKey, { domain: 'org2.example', asn: 1 })).status).toBe(400);
    const list = await client.GET('/v1/sites/{siteId}/hidden-organisations', { params: { path: { siteId: 'demo' } } });
    expect(list.data?.items.map((item) => item.hiddenId)).toEqual([entry.hiddenId]);
    const leads = await client.GET('/v1/sites/{siteId}/leads', { params: { path: { siteId: 'demo' } } });
    expect(leads.data?.items.map((lead) => lead.organisation.domain)).toEqual(['org0.example', 'org1.example']);
    expect((await client.DELETE('/v1/sites/{siteId}/hidden-organisations/{hiddenId}', { params: { path: { siteId: 'demo', hiddenId: 'nothing' } } })).response.status).toBe(404);
  });
});

describe('exports', () => {
  it('start, poll, download; a repeat with the same Idempotency-Key replays, with another body is a 422', async () => {
    const idempotencyKey = randomUUID();
    const created = await client.POST('/v1/sites/{siteId}/exports', {
      params: { path: { siteId: 'demo' }, header: { 'Idempotency-Key': idempotencyKey } },
      body: { format: 'ndjson', visits: true },
    });
    expect(created.response.status).toBe(202);
    const exportId = created.data?.exportId ?? '';
    const replay = await post('/v1/sites/demo/exports', runtime.apiKey, { format: 'ndjson', visits: true }, { 'Idempotency-Key': idempotencyKey });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await post('/v1/sites/demo/exports', runtime.apiKey, { format: 'csv' }, { 'Idempotency-Key': idempotencyKey })).status).toBe(422);

    const done = await waitForExport(client, 'demo', exportId, { intervalMs: 100, timeoutMs: 20_000 });
    // The hidden organisation (above) is left out, as it is out of the list.
    expect(done).toMatchObject({ status: 'succeeded', leads: 2 });
    const file = await fetch(done.url ?? '');
    const lines = (await file.text()).trim().split('\n').map((line) => JSON.parse(line) as { organisation: { domain: string }; visits: unknown[] });
    expect(lines.map((line) => [line.organisation.domain, line.visits.length])).toEqual([['org0.example', 2], ['org1.example', 2]]);

    const { data: hidden } = await client.GET('/v1/sites/{siteId}/hidden-organisations', { params: { path: { siteId: 'demo' } } });
    const shown = await client.DELETE('/v1/sites/{siteId}/hidden-organisations/{hiddenId}', { params: { path: { siteId: 'demo', hiddenId: hidden?.items[0]?.hiddenId ?? '' } } });
    expect(shown.response.status).toBe(204);
  });

  it('a repeat while the first request with its Idempotency-Key is still being answered is a 409', async () => {
    // The first request's claim, as its Lambda leaves it while it runs: made here, so the race is not left to timing.
    const body = { format: 'csv' };
    const key = randomUUID();
    const grant = await new ApiKeyStore(doc, runtime.tableName).find(runtime.apiKey);
    const hash = idempotencyKeyHash({ keyId: grant?.keyId ?? '', operation: 'createExport', key });
    expect(await new IdempotencyStore(doc, runtime.tableName).claim('demo', hash, requestBodyHash(JSON.stringify(body)))).toEqual({ claimed: true });

    const repeat = await post('/v1/sites/demo/exports', runtime.apiKey, body, { 'Idempotency-Key': key });

    expect(repeat.status).toBe(409);
    expect(await repeat.json()).toMatchObject({ error: { code: 'IdempotencyKeyInUse' } });
  });

  it('refuses an invalid request, another media type, and an unknown export', async () => {
    expect((await post('/v1/sites/demo/exports', runtime.apiKey, { format: 'xlsx' })).status).toBe(400);
    const form = await call('/v1/sites/demo/exports', { method: 'POST', headers: keyed(runtime.apiKey, { 'Content-Type': 'text/plain' }), body: '{}' });
    expect(form.status).toBe(415);
    expect((await call(`/v1/sites/demo/exports/${'a'.repeat(25)}`, { headers: keyed(runtime.apiKey) })).status).toBe(404);
  });
});

describe('privacy', () => {
  const subject = () => ({ ip: '10.9.8.7', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() });

  it('access and erasure requests, with their errors, and the audit trail that records them', async () => {
    expect((await post('/v1/sites/demo/access-requests', runtime.apiKey, subject())).status).toBe(200);
    expect((await post('/v1/sites/demo/access-requests', runtime.apiKey, { ip: 'x' })).status).toBe(400);
    expect((await post('/v1/sites/demo/erasure-requests', runtime.apiKey, subject(), { 'Idempotency-Key': randomUUID() })).status).toBe(200);
    expect((await post('/v1/sites/demo/erasure-requests', runtime.apiKey, {})).status).toBe(400);
    const text = await call('/v1/sites/demo/erasure-requests', { method: 'POST', headers: keyed(runtime.apiKey, { 'Content-Type': 'text/plain' }), body: '{}' });
    expect(text.status).toBe(415);
    const audit = await client.GET('/v1/sites/{siteId}/audit', { params: { path: { siteId: 'demo' } } });
    expect(audit.data?.items.map((item) => item.action)).toEqual(expect.arrayContaining(['access.request', 'erasure.request', 'export.create']));
    expect(JSON.stringify(audit.data)).not.toContain('10.9.8.7');
    expect((await call('/v1/sites/demo/audit?limit=0', { headers: keyed(runtime.apiKey) })).status).toBe(400);
  });

  it('erases a lead: 204, then 404', async () => {
    const leadId = (await client.GET('/v1/sites/{siteId}/leads', { params: { path: { siteId: 'demo' } } })).data?.items[0]?.leadId ?? '';
    const erased = await client.DELETE('/v1/sites/{siteId}/leads/{leadId}', { params: { path: { siteId: 'demo', leadId } } });
    expect(erased.response.status).toBe(204);
    expect((await client.DELETE('/v1/sites/{siteId}/leads/{leadId}', { params: { path: { siteId: 'demo', leadId } } })).response.status).toBe(404);
  });
});

describe('alerts', () => {
  const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
  const put = (path: string, body: unknown) => {
    const { body: text, ...type } = json(body);
    return call(path, { method: 'PUT', headers: keyed(runtime.apiKey, type), body: text });
  };
  const keyedGet = (path: string) => call(path, { headers: keyed(runtime.apiKey) });
  const remove = (path: string) => call(path, { method: 'DELETE', headers: keyed(runtime.apiKey) });

  let receiver: Server;
  let receiverUrl: string;
  beforeAll(async () => {
    // A receiver on this machine that takes every delivery (plain HTTP, which only loopback policy allows).
    receiver = createServer((request, response) => request.resume().on('end', () => response.writeHead(200).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('endpoints and rules: create, list, replace, test-fire, rotate, the delivery log and a replay, delete; with their errors', async () => {
    const endpoint = { kind: 'webhook', name: 'receiver', url: receiverUrl, secret: secret() };
    const created = await post('/v1/sites/demo/alert-endpoints', runtime.apiKey, endpoint);
    expect(created.status).toBe(201);
    const { endpointId } = (await created.json()) as { endpointId: string };
    expect((await post('/v1/sites/demo/alert-endpoints', runtime.apiKey, { ...endpoint, url: 'http://example.com/' })).status).toBe(400);
    expect((await keyedGet('/v1/sites/demo/alert-endpoints')).status).toBe(200);
    expect((await put(`/v1/sites/demo/alert-endpoints/${endpointId}`, { ...endpoint, name: 'renamed' })).status).toBe(200);
    expect((await put('/v1/sites/demo/alert-endpoints/nothing', endpoint)).status).toBe(404);
    expect((await post(`/v1/sites/demo/alert-endpoints/${endpointId}/rotate-secret`, runtime.apiKey, { secret: secret() })).status).toBe(200);

    const rule = { name: 'Pricing', conditions: { paths: ['/pricing'] }, endpointIds: [endpointId] };
    const ruleCreated = await post('/v1/sites/demo/alert-rules', runtime.apiKey, rule);
    expect(ruleCreated.status).toBe(201);
    const { ruleId } = (await ruleCreated.json()) as { ruleId: string };
    expect((await post('/v1/sites/demo/alert-rules', runtime.apiKey, { ...rule, cooldownHours: 0 })).status).toBe(400);
    expect((await keyedGet('/v1/sites/demo/alert-rules')).status).toBe(200);
    expect((await put(`/v1/sites/demo/alert-rules/${ruleId}`, { ...rule, name: 'Pricing pages' })).status).toBe(200);
    expect((await post(`/v1/sites/demo/alert-rules/${ruleId}/test`, runtime.apiKey, {})).status).toBe(202);
    expect((await remove(`/v1/sites/demo/alert-endpoints/${endpointId}`)).status).toBe(409);

    // The test-fire's delivery is attempted by the delivery poller and logged; then it can be replayed.
    let deliveryId: string | undefined;
    const deadline = Date.now() + 30_000;
    while (!deliveryId && Date.now() < deadline) {
      const log = await keyedGet(`/v1/sites/demo/alert-endpoints/${endpointId}/deliveries`);
      expect(log.status).toBe(200);
      const first = ((await log.json()) as { items: { deliveryId: string; status: string }[] }).items[0];
      // A delivery still being tried cannot be replayed (409): wait for it to be delivered.
      if (first?.status === 'delivered') deliveryId = first.deliveryId;
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(deliveryId).toBeDefined();
    expect((await post(`/v1/sites/demo/alert-endpoints/${endpointId}/deliveries/${deliveryId}/replay`, runtime.apiKey, {})).status).toBe(202);

    expect((await remove(`/v1/sites/demo/alert-rules/${ruleId}`)).status).toBe(204);
    expect((await remove(`/v1/sites/demo/alert-rules/${ruleId}`)).status).toBe(404);
    expect((await remove(`/v1/sites/demo/alert-endpoints/${endpointId}`)).status).toBe(204);
  }, 60_000);
});

describe('the dashboard API (with an API key; people send the session cookie instead)', () => {
  it('session, views (save, list, delete) and annotations (set, read), with their errors', async () => {
    expect(await (await call('/v1/session', { headers: keyed(runtime.apiKey) })).json()).toMatchObject({ kind: 'apiKey', scopes: expect.arrayContaining(['leads:read']) });
    const saved = await post('/v1/sites/demo/views', runtime.apiKey, { name: 'German visitors', filters: { country: 'DE' }, shared: true });
    expect(saved.status).toBe(201);
    const view = (await saved.json()) as { viewId: string };
    expect((await post('/v1/sites/demo/views', runtime.apiKey, { name: '', filters: {}, shared: false })).status).toBe(400);
    const views = (await (await call('/v1/sites/demo/views', { headers: keyed(runtime.apiKey) })).json()) as { items: Array<{ viewId: string }> };
    expect(views.items.map((item) => item.viewId)).toContain(view.viewId);
    expect((await call(`/v1/sites/demo/views/${view.viewId}`, { method: 'DELETE', headers: keyed(runtime.apiKey) })).status).toBe(204);
    expect((await call(`/v1/sites/demo/views/${view.viewId}`, { method: 'DELETE', headers: keyed(runtime.apiKey) })).status).toBe(404);

    const leadId = (await client.GET('/v1/sites/{siteId}/leads', { params: { path: { siteId: 'demo' } } })).data?.items[0]?.leadId ?? '';
    expect((await post(`/v1/sites/demo/leads/${leadId}/annotation`, runtime.apiKey, { tags: ['hot'], assignedToMe: true })).status).toBe(200);
    expect((await post(`/v1/sites/demo/leads/${'f'.repeat(24)}/annotation`, runtime.apiKey, { tags: [], assignedToMe: false })).status).toBe(404);
    const notes = (await (await call(`/v1/sites/demo/annotations?leadIds=${leadId}`, { headers: keyed(runtime.apiKey) })).json()) as { items: Array<{ tags: string[] }> };
    expect(notes.items.map((note) => note.tags)).toEqual([['hot']]);
    expect((await call('/v1/sites/demo/annotations?leadIds=NOT-IDS', { headers: keyed(runtime.apiKey) })).status).toBe(400);
  });
});

describe('API keys over HTTP (keys:manage)', () => {
  it('lists, creates (no wider than the caller), and revokes keys, with their errors', async () => {
    const listed = (await (await call('/v1/api-keys', { headers: keyed(runtime.apiKey) })).json()) as { items: Array<{ keyId: string }> };
    expect(listed.items.length).toBeGreaterThanOrEqual(2);
    const created = await post('/v1/api-keys', runtime.apiKey, { sites: ['demo'], scopes: ['leads:read'], days: 1 });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { keyId: string; apiKey: string };
    expect((await call('/v1/sites/demo/leads', { headers: keyed(key.apiKey) })).status).toBe(200);
    expect((await post('/v1/api-keys', runtime.apiKey, { sites: [], scopes: ['leads:read'] })).status).toBe(400);
    expect((await post('/v1/api-keys', runtime.apiKey, { sites: ['nowhere'], scopes: ['leads:read'] })).status).toBe(403);
    expect((await call('/v1/api-keys', { headers: keyed(readOnlyKey) })).status).toBe(403);
    expect((await call('/v1/api-keys', { method: 'POST', headers: keyed(runtime.apiKey, { 'Content-Type': 'text/plain' }), body: '{}' })).status).toBe(415);
    expect((await call(`/v1/api-keys/${key.keyId}`, { method: 'DELETE', headers: keyed(runtime.apiKey) })).status).toBe(204);
    expect((await call(`/v1/api-keys/${key.keyId}`, { method: 'DELETE', headers: keyed(runtime.apiKey) })).status).toBe(404);
    expect((await call('/v1/sites/demo/leads', { headers: keyed(key.apiKey) })).status).toBe(401);
  });
});

describe("throttling (the stage's token buckets, as API Gateway applies them)", () => {
  it('a burst beyond a method’s limits is answered 429 with Retry-After, and a try after that wait succeeds', async () => {
    const session = () => call('/v1/session', { headers: keyed(runtime.apiKey) });

    const burst = await Promise.all([session(), session(), session()]);
    const throttled = burst.filter((response) => response.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    const [first] = throttled;
    expect(first?.headers.get('retry-after')).toBe('1');
    expect(await first?.json()).toMatchObject({ error: { code: 'Throttled', message: 'Too Many Requests' } });

    await new Promise((resolve) => setTimeout(resolve, Number(first?.headers.get('retry-after')) * 1000 + 50));
    expect((await session()).status).toBe(200);
  });
});

test('every documented operation was exercised and answered with success at least once', () => {
  const succeeded = documented.filter((route) => [...exercised].some((seen) => seen.startsWith(`${route.operationId} 2`)));
  expect(succeeded.map((route) => route.operationId)).toEqual(documented.map((route) => route.operationId));
});
