import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_ALERT_SETTINGS, DEFAULT_RETENTION } from '../../../functions/contracts/deployment-config';
import { LocalKeyService } from '../../../functions/adapters/kms/key-service';
import { alertsApiDependencies, createHandler } from '../../../functions/alerts-api/app';
import { apiEvent, lambdaContext } from '../support/events';
import { testInfrastructure } from '../support/functions';

const dynamodb = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamodb.reset());

const keyService = new LocalKeyService(randomBytes(32));
const handler = createHandler(
  alertsApiDependencies(
    { TABLE_NAME: 'table', KEY_ID: 'key', DELIVERY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q', RETENTION: DEFAULT_RETENTION, ALERTS: DEFAULT_ALERT_SETTINGS, API_BASE_URL: 'https://api.example.com/prod/' },
    {
      ...testInfrastructure(),
      documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      sqs: new SQSClient({ region: 'eu-west-1' }),
      keyService: () => keyService,
    },
  ),
);

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const createEndpoint = (scopes: string[], body: unknown) =>
  handler(
    apiEvent({
      httpMethod: 'POST',
      resource: '/v1/sites/{siteId}/alert-endpoints',
      path: '/v1/sites/demo/alert-endpoints',
      pathParameters: { siteId: 'demo' },
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      requestContext: { ...apiEvent().requestContext, authorizer: { keyId: 'key-1', sites: JSON.stringify(['demo']), scopes: JSON.stringify(scopes) } },
    }),
    lambdaContext,
  );

describe('the alerts API', () => {
  it('answers 403 to a key without alerts:manage, and writes nothing', async () => {
    const result = await createEndpoint(['leads:read'], { kind: 'webhook', name: 'x', url: 'https://hooks.example.com/e', secret });
    expect(result.statusCode).toBe(403);
    expect(dynamodb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('audits first, then stores the URL and secret sealed: neither appears in any write or in the answer', async () => {
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    dynamodb.on(PutCommand).resolves({});
    const url = 'https://93.184.215.14/eirlead-hook-path';
    const result = await createEndpoint(['alerts:manage'], { kind: 'webhook', name: 'CRM', url, secret });
    expect(result.statusCode).toBe(201);
    const puts = dynamodb.commandCalls(PutCommand).map((call) => call.args[0].input.Item ?? {});
    expect(puts.map((item) => String(item.pk))).toEqual(['SITE#demo#AUDIT', 'SITE#demo#ALERTS']);
    expect(puts[0]).toMatchObject({ action: 'alert-endpoint.create', keyId: 'key-1' });
    for (const written of [...puts.map((item) => JSON.stringify(item)), result.body]) {
      expect(written).not.toContain(secret.slice(6));
      expect(written).not.toContain('eirlead-hook-path');
    }
    expect(JSON.parse(result.body)).toMatchObject({ host: '93.184.215.14', urlLastFour: '…path' });
  });

  it('refuses an endpoint pointing at a private address with a 400 naming url, before any write', async () => {
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    const result = await createEndpoint(['alerts:manage'], { kind: 'webhook', name: 'inward', url: 'https://192.168.1.10/hook', secret });
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.issues).toEqual([expect.objectContaining({ path: 'url' })]);
    expect(dynamodb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses an e-mail endpoint when the deployment has no SES identity, naming kind', async () => {
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    const result = await createEndpoint(['alerts:manage'], { kind: 'email', name: 'sales', to: ['sales@example.com'] });
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.issues[0].path).toBe('kind');
  });
});
