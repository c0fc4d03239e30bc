import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { hashApiKey } from '../../../functions/domain/api-keys';

const dynamodb = mockClient(DynamoDBDocumentClient);
let handler: (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/v1/sites/demo/leads';
const KEY = 'eirl_test-key';

beforeAll(async () => {
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', TABLE_NAME: 'eirlead', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  ({ handler } = await import('../../../functions/authorizer/handler'));
});
afterEach(() => dynamodb.reset());

const event = (authorizationToken: string): APIGatewayTokenAuthorizerEvent => ({ type: 'TOKEN', authorizationToken, methodArn: METHOD_ARN });
const storedKey = (extra: Record<string, unknown> = {}) => ({
  Item: { keyId: 'key-1', sites: ['demo'], scopes: ['leads:read'], createdAt: '2026-01-01T00:00:00Z', expiresAt: Date.now() / 1000 + 3600, ...extra },
});

describe('API key authoriser', () => {
  it('allows a valid key for the whole API and passes its grant on', async () => {
    dynamodb.on(GetCommand, { Key: { pk: `APIKEY#${hashApiKey(KEY)}`, sk: 'APIKEY' } }).resolves(storedKey());

    const result = await handler(event(`Bearer ${KEY}`));

    expect(result.policyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*' }),
    ]);
    expect(result.context).toEqual({ keyId: 'key-1', sites: '["demo"]', scopes: '["leads:read"]' });
  });

  it('looks keys up by hash only', async () => {
    dynamodb.on(GetCommand).resolves({});
    await expect(handler(event(`Bearer ${KEY}`))).rejects.toThrow('Unauthorized');
    expect(JSON.stringify(dynamodb.commandCalls(GetCommand)[0]?.args[0].input)).not.toContain(KEY);
  });

  it.each(['', 'Basic abc', 'Bearer'])('answers 401 for the header %p', async (header) => {
    await expect(handler(event(header))).rejects.toThrow('Unauthorized');
  });

  it('answers 401 for a revoked key', async () => {
    dynamodb.on(GetCommand).resolves(storedKey({ revoked: true }));
    await expect(handler(event(`Bearer ${KEY}`))).rejects.toThrow('Unauthorized');
  });

  it('answers 401 for an expired key, even before TTL removed it', async () => {
    dynamodb.on(GetCommand).resolves(storedKey({ expiresAt: Date.now() / 1000 - 1 }));
    await expect(handler(event(`Bearer ${KEY}`))).rejects.toThrow('Unauthorized');
  });
});
