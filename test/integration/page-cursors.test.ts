import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { DEFAULT_BEHAVIOUR_LIMITS, DEFAULT_RETENTION, NO_IP_OVERRIDES } from '../../functions/contracts/deployment-config';
import { LeadStore } from '../../functions/adapters/dynamodb/lead-store';
import { leadIdFor } from '../../functions/domain/leads/model';
import { createLocalHandlers, type LocalHandlers } from '../../local/functions';
import { emulatorInfrastructure, type LocalInfrastructure } from '../../local/infrastructure';
import { apiEvent, lambdaContext } from '../unit/support/events';
import { createTestResources, type TestResources } from './support/local-aws';

/**
 * Page cursors are signed and bound to the site and the query: a tampered one answered 500 in version 0.1 (DynamoDB
 * refused the made-up start key), and one reused with other filters silently paged another list.
 */

let resources: TestResources;
let infrastructure: LocalInfrastructure;
let handlers: LocalHandlers;

beforeAll(async () => {
  resources = await createTestResources('page-cursors');
  infrastructure = emulatorInfrastructure({
    dynamoDbEndpoint: resources.endpoints.dynamoDb,
    sqsEndpoint: resources.endpoints.sqs,
    masterKey: randomBytes(32).toString('base64'),
  });
  handlers = createLocalHandlers(
    {
      tableName: resources.tableName,
      queueUrl: resources.queues.queueUrl,
      ipDataDir: 'build/ipdata',
      snippetFile: 'build/snippet/eirlead.js',
      sites: [{ siteId: 'demo', allowedOrigins: ['http://localhost:*'], leadClasses: ['business'] }],
      ipOverrides: NO_IP_OVERRIDES,
      retention: DEFAULT_RETENTION,
      limits: DEFAULT_BEHAVIOUR_LIMITS,
    },
    infrastructure,
    { trustForwardedFor: false },
  );
  const store = new LeadStore(resources.doc, resources.tableName, DEFAULT_RETENTION);
  for (const [asn, country] of [[1, 'DE'], [2, 'DE'], [3, 'FR']] as const) {
    await store.recordRequest(
      { siteId: 'demo', leadId: leadIdFor('demo', `asn:${asn}`), organisation: { name: `Org ${asn}`, asn }, match: { source: 'asn-registry', confidence: 'high', network: `10.${asn}.0.0/16` }, location: { country } },
      'a'.repeat(64),
      [{ id: randomUUID(), type: 'pageview', path: '/', occurredAt: new Date(Date.now() - asn * 60_000).toISOString() }],
      `10.${asn}.0.0/24`,
    );
  }
}, 30_000);
afterAll(async () => {
  infrastructure.destroy();
  await resources.destroy();
});

async function list(query: Record<string, string>, siteId = 'demo'): Promise<APIGatewayProxyResult> {
  const event = apiEvent({ httpMethod: 'GET', resource: '/v1/sites/{siteId}/leads', path: `/v1/sites/${siteId}/leads`, pathParameters: { siteId }, queryStringParameters: query });
  event.requestContext.authorizer = { keyId: 'key-1', sites: '["*"]', scopes: '["leads:read"]' };
  return handlers.leadsApi(event, lambdaContext);
}

const cursorOf = (result: APIGatewayProxyResult): string => (JSON.parse(result.body) as { nextCursor: string }).nextCursor;
const expectCursorRefused = (result: APIGatewayProxyResult) => {
  expect(result.statusCode).toBe(400);
  expect(JSON.parse(result.body).error.issues).toEqual([{ path: 'cursor', message: 'not a cursor returned by this API for this query and site' }]);
};

describe('signed page cursors', () => {
  it('page on as before', async () => {
    const first = await list({ limit: '2' });
    const second = await list({ limit: '2', cursor: cursorOf(first) });
    expect(second.statusCode).toBe(200);
    expect(JSON.parse(second.body)).toMatchObject({ items: [{ organisation: { name: 'Org 3' } }], nextCursor: null });
  });

  it('answer 400, not 500, for a cursor whose position was changed', async () => {
    const [payload, signature] = cursorOf(await list({ limit: '1' })).split('.');
    const position = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { p: Record<string, string> };
    // Still this site's partition, but a sort key no item has: DynamoDB refuses such a start key.
    position.p.gsi1sk = 'not-a-time';
    const forged = `${Buffer.from(JSON.stringify(position)).toString('base64url')}.${signature}`;
    expectCursorRefused(await list({ limit: '1', cursor: forged }));
  });

  it('answer 400 for a cursor used with other filters or for another site', async () => {
    const cursor = cursorOf(await list({ limit: '1', country: 'DE' }));
    expectCursorRefused(await list({ limit: '1', country: 'FR', cursor }));
    expectCursorRefused(await list({ limit: '1', country: 'DE', cursor }, 'other-site'));
    // The page size may change between pages.
    expect((await list({ limit: '5', country: 'DE', cursor })).statusCode).toBe(200);
  });
});
