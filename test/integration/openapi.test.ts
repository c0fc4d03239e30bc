import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DEFAULT_BEHAVIOUR_LIMITS, DEFAULT_RETENTION, NO_IP_OVERRIDES } from '../../functions/contracts/deployment-config';
import { ROUTES } from '../../functions/contracts/routes';
import type { RouteDefinition } from '../../functions/contracts/routes/route';
import { createLocalHandlers } from '../../local/functions';
import { emulatorInfrastructure, type LocalInfrastructure } from '../../local/infrastructure';
import { leadIdFor } from '../../functions/domain/leads/model';
import { LeadStore } from '../../functions/adapters/dynamodb/lead-store';
import { apiEvent, lambdaContext } from '../unit/support/events';
import { createTestResources, type TestResources } from './support/local-aws';

/**
 * The OpenAPI document is generated from the zod schemas; this test holds real responses of the real
 * handlers (against DynamoDB Local and the SQS emulator) to that document, status code by status code.
 */
type Handler = (event: APIGatewayProxyEvent, context: typeof lambdaContext) => Promise<APIGatewayProxyResult>;
type OpenApi = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  webhooks?: Record<string, unknown>;
};

let resources: TestResources;
let infrastructure: LocalInfrastructure;
let leadsApi: Handler;
let ingest: Handler;
let document: OpenApi;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

beforeAll(async () => {
  resources = await createTestResources('openapi');
  infrastructure = emulatorInfrastructure({
    dynamoDbEndpoint: resources.endpoints.dynamoDb,
    sqsEndpoint: resources.endpoints.sqs,
    masterKey: randomBytes(32).toString('base64'),
  });
  const handlers = createLocalHandlers(
    {
      tableName: resources.tableName,
      queueUrl: resources.queues.queueUrl,
      ipDataDir: 'build/ipdata',
      snippetFile: 'build/snippet/eirlead.js',
      sites: [{ siteId: 'demo', allowedOrigins: ['http://localhost:*', 'https://www.example.com'], leadClasses: ['business'] }],
      ipOverrides: NO_IP_OVERRIDES,
      retention: DEFAULT_RETENTION,
      limits: DEFAULT_BEHAVIOUR_LIMITS,
    },
    infrastructure,
    { trustForwardedFor: false },
  );
  leadsApi = handlers.leadsApi;
  ingest = handlers.ingest;
  const served = await leadsApi(apiEvent({ httpMethod: 'GET', resource: '/v1/openapi.json', path: '/v1/openapi.json' }), lambdaContext);
  document = JSON.parse(served.body);
  ajv.addSchema({ ...document, $id: 'openapi' });

  const store = new LeadStore(resources.doc, resources.tableName, DEFAULT_RETENTION);
  await store.recordRequest(
    {
      siteId: 'demo',
      leadId: leadIdFor('demo', 'asn:1'),
      organisation: { name: 'SAP SE', asn: 1 },
      match: { source: 'asn-registry', confidence: 'high', network: '193.16.0.0/16' },
      location: { country: 'DE', city: 'Walldorf' },
    },
    'f'.repeat(64),
    [{ id: randomUUID(), type: 'pageview', path: '/pricing', title: 'Pricing', referrer: 'https://www.google.com/', occurredAt: new Date().toISOString() }], '193.16.4.0/24',
  );
}, 30_000);
afterAll(async () => {
  infrastructure.destroy();
  await resources.destroy();
});

function expectDocumented(path: string, method: string, result: APIGatewayProxyResult): void {
  const response = document.paths[path]?.[method]?.responses[String(result.statusCode)];
  expect(response).toBeDefined();
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) {
    expect(result.body).toBe('');
    return;
  }
  const validate = ajv.compile({ $ref: `openapi#/paths/${path.replace(/\//g, '~1')}/${method}/responses/${result.statusCode}/content/application~1json/schema` });
  const valid = validate(JSON.parse(result.body));
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

const authorizer = { keyId: 'key-1', sites: '["demo"]', scopes: '["leads:read","leads:erase","privacy:requests"]' };
function leadsCall(method: string, resource: string, pathParameters: Record<string, string>, query: Record<string, string> | null = null) {
  const event = apiEvent({ httpMethod: method, resource, path: resource, pathParameters, queryStringParameters: query });
  event.requestContext.authorizer = authorizer;
  return leadsApi(event, lambdaContext);
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every route', () => {
    expect(document).toMatchObject({ openapi: '3.1.0' });
    expect(Object.keys(document.paths).sort()).toEqual([
      '/v1/events',
      '/v1/sites/{siteId}/access-requests',
      '/v1/sites/{siteId}/alert-endpoints',
      '/v1/sites/{siteId}/alert-endpoints/{endpointId}',
      '/v1/sites/{siteId}/alert-endpoints/{endpointId}/deliveries',
      '/v1/sites/{siteId}/alert-endpoints/{endpointId}/deliveries/{deliveryId}/replay',
      '/v1/sites/{siteId}/alert-endpoints/{endpointId}/rotate-secret',
      '/v1/sites/{siteId}/alert-rules',
      '/v1/sites/{siteId}/alert-rules/{ruleId}',
      '/v1/sites/{siteId}/alert-rules/{ruleId}/test',
      '/v1/sites/{siteId}/audit',
      '/v1/sites/{siteId}/erasure-requests',
      '/v1/sites/{siteId}/hidden-organisations',
      '/v1/sites/{siteId}/hidden-organisations/{hiddenId}',
      '/v1/sites/{siteId}/leads',
      '/v1/sites/{siteId}/leads/{leadId}',
    ]);
    // And exactly the route table's documented routes.
    const documented = [...new Set((ROUTES as readonly RouteDefinition[]).filter((route) => route.documented !== false).map((route) => route.path))].sort();
    expect(Object.keys(document.paths).sort()).toEqual(documented);
    expect(Object.keys(document.webhooks ?? {})).toEqual(['alert.fired', 'alert.test']);
  });

  it('matches a real lead list', async () => {
    const result = await leadsCall('GET', '/v1/sites/{siteId}/leads', { siteId: 'demo' });
    expect(JSON.parse(result.body).items).toHaveLength(1);
    expectDocumented('/v1/sites/{siteId}/leads', 'get', result);
  });

  it('matches a real lead with visits, and a 404', async () => {
    const found = await leadsCall('GET', '/v1/sites/{siteId}/leads/{leadId}', { siteId: 'demo', leadId: leadIdFor('demo', 'asn:1') });
    const missing = await leadsCall('GET', '/v1/sites/{siteId}/leads/{leadId}', { siteId: 'demo', leadId: 'abc' });
    expect(found.statusCode).toBe(200);
    expectDocumented('/v1/sites/{siteId}/leads/{leadId}', 'get', found);
    expectDocumented('/v1/sites/{siteId}/leads/{leadId}', 'get', missing);
  });

  it('matches real validation errors', async () => {
    const result = await leadsCall('GET', '/v1/sites/{siteId}/leads', { siteId: 'demo' }, { limit: '500' });
    expect(result.statusCode).toBe(400);
    expectDocumented('/v1/sites/{siteId}/leads', 'get', result);
  });

  it('matches real ingest answers', async () => {
    const post = (body: unknown) =>
      ingest(apiEvent({ headers: { 'Content-Type': 'application/json', 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' }, body: JSON.stringify(body) }), lambdaContext);
    const accepted = await post({ siteId: 'demo', events: [{ id: randomUUID(), type: 'pageview', url: 'https://www.example.com/' }] });
    const rejected = await post({ siteId: 'demo', events: [] });
    const unknownSite = await post({ siteId: 'nope', events: [{ id: randomUUID(), type: 'pageview', url: 'https://www.example.com/' }] });
    expect([accepted.statusCode, rejected.statusCode, unknownSite.statusCode]).toEqual([202, 400, 403]);
    expect(JSON.parse(accepted.body)).toEqual({ accepted: 1 });
    for (const result of [accepted, rejected, unknownSite]) expectDocumented('/v1/events', 'post', result);
  });

  it('matches a real access request, erasure request and audit trail', async () => {
    const subject = { ip: '193.16.4.77', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const accessEvent = apiEvent({ httpMethod: 'POST', resource: '/v1/sites/{siteId}/access-requests', path: '/v1/sites/demo/access-requests', pathParameters: { siteId: 'demo' }, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(subject) });
    accessEvent.requestContext.authorizer = authorizer;
    const access = await leadsApi(accessEvent, lambdaContext);
    expect(JSON.parse(access.body).leads).toHaveLength(1);
    expectDocumented('/v1/sites/{siteId}/access-requests', 'post', access);

    const event = apiEvent({ httpMethod: 'POST', resource: '/v1/sites/{siteId}/erasure-requests', path: '/v1/sites/demo/erasure-requests', pathParameters: { siteId: 'demo' }, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...subject, ip: '10.9.8.7' }) });
    event.requestContext.authorizer = authorizer;
    const erasure = await leadsApi(event, lambdaContext);
    expect(JSON.parse(erasure.body).erased.visits).toBe(0);
    expectDocumented('/v1/sites/{siteId}/erasure-requests', 'post', erasure);

    const auditEvent = apiEvent({ httpMethod: 'GET', resource: '/v1/sites/{siteId}/audit', path: '/v1/sites/demo/audit', pathParameters: { siteId: 'demo' } });
    auditEvent.requestContext.authorizer = { ...authorizer, scopes: '["audit:read"]' };
    const audit = await leadsApi(auditEvent, lambdaContext);
    expect(JSON.parse(audit.body).items.map((item: { action: string }) => item.action)).toEqual(expect.arrayContaining(['leads.list', 'access.request', 'erasure.request']));
    expect(audit.body).not.toContain('193.16.4.77');
    expectDocumented('/v1/sites/{siteId}/audit', 'get', audit);
  });

  it('matches a real erasure', async () => {
    const result = await leadsCall('DELETE', '/v1/sites/{siteId}/leads/{leadId}', { siteId: 'demo', leadId: leadIdFor('demo', 'asn:1') });
    expect(result.statusCode).toBe(204);
    expectDocumented('/v1/sites/{siteId}/leads/{leadId}', 'delete', result);
  });
});
