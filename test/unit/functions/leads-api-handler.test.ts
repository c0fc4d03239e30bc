import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LEADS_BY_LAST_SEEN_INDEX } from '../../../functions/contracts/table';
import { DEFAULT_RETENTION } from '../../../functions/contracts/deployment-config';
import { createHandler, leadsApiDependencies } from '../../../functions/leads-api/app';
import { apiEvent, lambdaContext } from '../support/events';
import { environmentOf, testInfrastructure } from '../support/functions';

const dynamodb = mockClient(DynamoDBDocumentClient);
let handler: (event: APIGatewayProxyEvent, context: typeof lambdaContext) => Promise<APIGatewayProxyResult>;

beforeAll(() => {
  handler = createHandler(
    leadsApiDependencies(environmentOf('leadsApi', { TABLE_NAME: 'eirlead', RETENTION: DEFAULT_RETENTION, KEY_ID: 'test-key', EXPORT_BUCKET: 'exports', EXPORT_FUNCTION: 'lead-export' }), testInfrastructure()),
  );
});
beforeEach(() => {
  dynamodb.on(QueryCommand).resolves({ Items: [] });
  dynamodb.on(PutCommand).resolves({});
  // No cursor-signing key stored yet: the first page that needs a cursor makes one.
  dynamodb.on(GetCommand).resolves({});
});
afterEach(() => dynamodb.reset());

const grant = (sites: string[], scopes: string[]) => ({ keyId: 'key-1', sites: JSON.stringify(sites), scopes: JSON.stringify(scopes) });

function call(method: string, resource: string, path: string, options: { query?: Record<string, string>; authorizer?: Record<string, string>; pathParameters?: Record<string, string> } = {}) {
  const event = apiEvent({
    httpMethod: method,
    resource,
    path,
    queryStringParameters: options.query ?? null,
    pathParameters: options.pathParameters ?? null,
  });
  event.requestContext.authorizer = options.authorizer ?? grant(['demo'], ['leads:read', 'leads:erase']);
  return handler(event, lambdaContext);
}

const list = (siteId: string, options: Parameters<typeof call>[3] = {}) =>
  call('GET', '/v1/sites/{siteId}/leads', `/v1/sites/${siteId}/leads`, { ...options, pathParameters: { siteId } });

describe('leads API', () => {
  it('lists leads of the key’s site with a Query on the site’s index, never a Scan', async () => {
    const result = await list('demo');

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ items: [], nextCursor: null });
    // The first Query reads the site's hidden organisations; the list is the one on the index.
    const input = dynamodb.commandCalls(QueryCommand).find((call) => call.args[0].input.IndexName)?.args[0].input;
    expect(input).toMatchObject({ IndexName: LEADS_BY_LAST_SEEN_INDEX, ScanIndexForward: false, ExpressionAttributeValues: expect.objectContaining({ ':site': 'SITE#demo' }) });
    expect(input?.FilterExpression).toContain('#expiresAt > :now');
  });

  it('writes an audit record of every read, naming the key', async () => {
    await list('demo');
    const item = dynamodb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ pk: 'SITE#demo#AUDIT', keyId: 'key-1', action: 'leads.list', expiresAt: expect.any(Number) });
  });

  it('answers 400 naming the field for an erasure request without a valid address', async () => {
    const event = apiEvent({
      httpMethod: 'POST',
      resource: '/v1/sites/{siteId}/erasure-requests',
      path: '/v1/sites/demo/erasure-requests',
      pathParameters: { siteId: 'demo' },
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ip: 'somewhere', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }),
    });
    event.requestContext.authorizer = grant(['demo'], ['privacy:requests']);
    const result = await handler(event, lambdaContext);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.issues[0].path).toBe('ip');
  });

  const subjectRequest = (resource: 'access-requests' | 'erasure-requests', scopes: string[], httpMethod = 'POST') => {
    const event = apiEvent({
      httpMethod,
      resource: `/v1/sites/{siteId}/${resource}`,
      path: `/v1/sites/demo/${resource}`,
      pathParameters: { siteId: 'demo' },
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ip: '130.214.10.77', userAgent: 'Mozilla/5.0 (Jane)', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }),
    });
    event.requestContext.authorizer = grant(['demo'], scopes);
    return handler(event, lambdaContext);
  };

  it.each(['access-requests', 'erasure-requests'] as const)('takes %s only from a key with the privacy:requests scope', async (resource) => {
    // A key that reads or erases leads could otherwise single out one person's visits by an address and User-Agent.
    expect((await subjectRequest(resource, ['leads:read', 'leads:erase', 'audit:read'])).statusCode).toBe(403);
    expect((await subjectRequest(resource, ['privacy:requests'])).statusCode).toBe(200);
  });

  it('takes access requests by POST only, so the address never stands in a URL or an access log', async () => {
    const event = apiEvent({
      httpMethod: 'GET',
      resource: '/v1/sites/{siteId}/access-requests',
      path: '/v1/sites/demo/access-requests',
      pathParameters: { siteId: 'demo' },
      queryStringParameters: { ip: '130.214.10.77', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' },
    });
    event.requestContext.authorizer = grant(['demo'], ['privacy:requests']);
    expect((await handler(event, lambdaContext)).statusCode).toBe(404);
  });

  it.each([
    ['an erasure request', () => subjectRequest('erasure-requests', ['privacy:requests']), 'erasure.request'],
    [
      'a lead erasure',
      () => call('DELETE', '/v1/sites/{siteId}/leads/{leadId}', '/v1/sites/demo/leads/abc', { pathParameters: { siteId: 'demo', leadId: 'abc' } }),
      'lead.erase',
    ],
  ])('audits %s before it acts, so a failure after it cannot leave an erasure unaudited', async (_what, send, action) => {
    dynamodb.on(QueryCommand).rejects(new Error('DynamoDB is down'));
    const result = await send();

    expect(result.statusCode).toBe(500);
    const audited = dynamodb.commandCalls(PutCommand).map((put) => put.args[0].input.Item);
    expect(audited).toEqual([expect.objectContaining({ pk: 'SITE#demo#AUDIT', action })]);
  });

  it('reads the audit trail only with audit:read', async () => {
    const result = await call('GET', '/v1/sites/{siteId}/audit', '/v1/sites/demo/audit', { pathParameters: { siteId: 'demo' } });
    expect(result.statusCode).toBe(403);
  });

  it('answers 403 when the key belongs to another site', async () => {
    const result = await list('other');
    expect(result.statusCode).toBe(403);
    expect(dynamodb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('answers 403 when the key lacks the action', async () => {
    const result = await call('DELETE', '/v1/sites/{siteId}/leads/{leadId}', '/v1/sites/demo/leads/abc', {
      pathParameters: { siteId: 'demo', leadId: 'abc' },
      authorizer: grant(['demo'], ['leads:read']),
    });
    expect(result.statusCode).toBe(403);
  });

  it('answers 401 without an authoriser grant', async () => {
    const result = await list('demo', { authorizer: {} });
    expect(result.statusCode).toBe(401);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ since: 'yesterday' }, 'since'],
    [{ country: 'Germany' }, 'country'],
    [{ since: '2026-11-02T00:00:00Z', until: '2026-11-01T00:00:00Z' }, 'until'],
    [{ sort: 'name' }, 'sort'],
  ])('answers 400 naming the field for %p', async (query, field) => {
    const result = await list('demo', { query });
    expect(result.statusCode).toBe(400);
    const paths = JSON.parse(result.body).error.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toContain(field);
  });

  it('refuses a cursor it did not sign, such as one made up for another site', async () => {
    const cursor = Buffer.from(JSON.stringify({ pk: 'SITE#other#LEAD#x', sk: 'LEAD', gsi1pk: 'SITE#other', gsi1sk: 'x' })).toString('base64url');
    const result = await list('demo', { query: { cursor } });
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.issues[0].path).toBe('cursor');
  });

  it('answers 404 for an unknown lead', async () => {
    const result = await call('GET', '/v1/sites/{siteId}/leads/{leadId}', '/v1/sites/demo/leads/abc', { pathParameters: { siteId: 'demo', leadId: 'abc' } });
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body).error.code).toBe('NotFound');
  });

  it('serves the OpenAPI document without a key', async () => {
    const result = await call('GET', '/v1/openapi.json', '/v1/openapi.json', { authorizer: {} });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ openapi: '3.1.0', paths: expect.objectContaining({ '/v1/events': expect.any(Object) }) });
  });

  it('hides internal errors', async () => {
    dynamodb.on(QueryCommand).rejects(new Error('ProvisionedThroughputExceeded: table arn:aws:dynamodb:...'));
    const result = await list('demo');
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('arn:aws');
  });
});
