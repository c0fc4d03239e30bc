import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { SESSION_COOKIE } from '../../../functions/contracts/api/dashboard';
import { hashApiKey } from '../../../functions/domain/api-keys';

const dynamodb = mockClient(DynamoDBDocumentClient);
let handler: (event: APIGatewayTokenAuthorizerEvent | APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
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
    expect(result.context).toEqual({ keyId: 'key-1', sites: '["demo"]', scopes: '["leads:read"]', role: '', localOnly: 'false' });
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

describe('session cookie (REQUEST events, as the local runtime sends them)', () => {
  const TOKEN = 'a'.repeat(43);
  const request = (method: string, headers: Record<string, string>): APIGatewayRequestAuthorizerEvent =>
    ({ type: 'REQUEST', methodArn: METHOD_ARN, httpMethod: method, headers, resource: '/', path: '/' }) as unknown as APIGatewayRequestAuthorizerEvent;
  const storedSession = {
    Item: { userId: 'u-1', role: 'sales', sites: ['demo'], scopes: ['leads:read', 'leads:hide'], localOnly: false, expiresAt: Date.now() / 1000 + 3600 },
  };
  const sessionKey = { pk: `SESSION#${createHash('sha256').update(TOKEN).digest('hex')}` };

  it('allows a live session and passes the person’s grant and role on', async () => {
    dynamodb.on(GetCommand).resolves(storedSession);
    const result = await handler(request('GET', { Cookie: `other=1; ${SESSION_COOKIE}=${TOKEN}` }));
    expect(result.principalId).toBe('user:u-1');
    expect(result.context).toMatchObject({ keyId: 'user:u-1', role: 'sales', localOnly: 'false', scopes: '["leads:read","leads:hide"]' });
    expect(JSON.stringify(dynamodb.commandCalls(GetCommand)[0]?.args[0].input.Key)).toContain(sessionKey.pk);
  });

  it('answers 401 without a cookie, for an unknown or expired session, and for a TOKEN event without a key', async () => {
    await expect(handler(request('GET', {}))).rejects.toThrow('Unauthorized');
    dynamodb.on(GetCommand).resolves({});
    await expect(handler(request('GET', { cookie: `${SESSION_COOKIE}=${TOKEN}` }))).rejects.toThrow('Unauthorized');
    dynamodb.on(GetCommand).resolves({ Item: { ...storedSession.Item, expiresAt: Date.now() / 1000 - 1 } });
    await expect(handler(request('GET', { cookie: `${SESSION_COOKIE}=${TOKEN}` }))).rejects.toThrow('Unauthorized');
  });

  it('denies a state-changing request with the cookie from another origin (CSRF), allows one from this origin', async () => {
    dynamodb.on(GetCommand).resolves(storedSession);
    const cookie = `${SESSION_COOKIE}=${TOKEN}`;
    const denied = await handler(request('POST', { cookie, host: 'api.example', origin: 'https://evil.example' }));
    expect(denied.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    const noOrigin = await handler(request('DELETE', { cookie, host: 'api.example' }));
    expect(noOrigin.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    const allowed = await handler(request('POST', { cookie, host: 'api.example', origin: 'https://api.example' }));
    expect(allowed.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
    // Sec-Fetch-Site, set by the browser alone, decides when present (a form post under no-referrer sends Origin: null).
    const formPost = await handler(request('POST', { cookie, host: 'api.example', origin: 'null', 'sec-fetch-site': 'same-origin' }));
    expect(formPost.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
    const crossSite = await handler(request('POST', { cookie, host: 'api.example', origin: 'https://api.example', 'sec-fetch-site': 'same-site' }));
    expect(crossSite.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
  });
});
