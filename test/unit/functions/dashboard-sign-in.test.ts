import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PENDING_SIGN_IN_COOKIE, ROLE_SCOPES, SESSION_COOKIE } from '../../../functions/contracts/api/dashboard';
import type { IdentityProvider, SignInOutcome } from '../../../functions/adapters/identity/identity-provider';
import { SessionStore } from '../../../functions/adapters/dynamodb/session-store';
import { SignIn } from '../../../functions/dashboard/sign-in';
import type { Logger } from '../../../functions/platform/logger';
import { apiEvent } from '../support/events';

/** The sign-in steps of the dashboard function, with a scripted identity provider and the table mocked. */

const dynamodb = mockClient(DynamoDBDocumentClient);
const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
const MANIFEST = { entry: { script: 'main-1.js', style: 'app-1.css', preload: [] }, files: {}, documents: {} };
const logger = { info: () => undefined } as unknown as Logger;

function provider(outcome: SignInOutcome, withLocalKey = false): IdentityProvider & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: 'a test provider',
    calls,
    signIn: async (username) => (calls.push(`signIn ${username}`), outcome),
    answer: async (pending) => (calls.push(`answer ${pending.step}`), outcome),
    ...(withLocalKey ? { signInWithLocalKey: async () => (calls.push('localKey'), outcome) } : {}),
  };
}

const post = (form: Record<string, string>, headers: Record<string, string>) =>
  apiEvent({ httpMethod: 'POST', resource: '/sign-in', path: '/sign-in', headers: { host: HOST, ...headers }, body: new URLSearchParams(form).toString() });
const cookiesOf = (result: { multiValueHeaders?: Record<string, unknown> }) => (result.multiValueHeaders?.['Set-Cookie'] ?? []) as string[];

beforeEach(() => {
  dynamodb.reset();
  dynamodb.on(PutCommand).resolves({});
  dynamodb.on(DeleteCommand).resolves({});
});

describe('dashboard sign-in', () => {
  const sessions = () => new SessionStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })), 'eirlead');

  it('refuses a form posted from another site (login CSRF) without asking the provider', async () => {
    const identity = provider({ kind: 'signed-in', user: { userId: 'u-1', role: 'admin' } });
    const signIn = new SignIn(identity, sessions(), MANIFEST, logger);
    const attempts: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: 'null' }, {}, { origin: `https://${HOST}`, 'sec-fetch-site': 'cross-site' }];
    for (const headers of attempts) {
      const result = await signIn.post(post({ step: 'password', username: 'a@example.com', password: 'x'.repeat(12) }, headers));
      expect(result.statusCode).toBe(403);
    }
    expect(identity.calls).toEqual([]);
    expect(dynamodb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('accepts a same-origin form post under no-referrer (Origin: null, Sec-Fetch-Site: same-origin) and keeps the challenge under a short __Host- cookie', async () => {
    const identity = provider({ kind: 'challenge', step: 'mfa', username: 'sub-1', challenge: 'opaque' });
    const result = await new SignIn(identity, sessions(), MANIFEST, logger).post(
      post({ step: 'password', username: 'a@example.com', password: 'x'.repeat(12) }, { origin: 'null', 'sec-fetch-site': 'same-origin' }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('id="code"');
    expect(cookiesOf(result)).toEqual([expect.stringMatching(new RegExp(`^${PENDING_SIGN_IN_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; Max-Age=300; Secure; HttpOnly; SameSite=Strict$`))]);
    const stored = dynamodb.commandCalls(PutCommand)[0]?.args[0].input.Item ?? {};
    expect(stored).toMatchObject({ step: 'mfa', username: 'sub-1', challenge: 'opaque' });
    expect(JSON.stringify(stored)).not.toContain('a@example.com');
  });

  it('a code without a pending sign-in starts again, and the provider is not asked', async () => {
    const identity = provider({ kind: 'signed-in', user: { userId: 'u-1', role: 'admin' } });
    const result = await new SignIn(identity, sessions(), MANIFEST, logger).post(post({ step: 'mfa', code: '123456' }, { origin: `https://${HOST}` }));
    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('start again');
    expect(identity.calls).toEqual([]);
  });

  it('signing in stores the session by hash with the role’s scopes and sets the session cookie', async () => {
    const identity = provider({ kind: 'signed-in', user: { userId: 'u-1', role: 'sales' } });
    const result = await new SignIn(identity, sessions(), MANIFEST, logger).post(
      post({ step: 'password', username: 'a@example.com', password: 'x'.repeat(12) }, { 'sec-fetch-site': 'same-origin' }),
    );
    expect([result.statusCode, result.headers?.Location]).toEqual([303, './']);
    const [session] = cookiesOf(result);
    const token = new RegExp(`^${SESSION_COOKIE}=([A-Za-z0-9_-]{43}); Path=/; Max-Age=\\d+; Secure; HttpOnly; SameSite=Strict$`).exec(session ?? '')?.[1];
    expect(token).toBeDefined();
    const item = dynamodb.commandCalls(PutCommand)[0]?.args[0].input.Item ?? {};
    expect(item).toMatchObject({ userId: 'u-1', role: 'sales', scopes: [...ROLE_SCOPES.sales], localOnly: false, sk: 'SESSION' });
    expect(JSON.stringify(item)).not.toContain(token ?? '(none)');
    expect(typeof item.expiresAt).toBe('number');
  });

  it('escapes what the provider says, and offers the local key only where the provider has one', async () => {
    const identity = provider({ kind: 'refused', reason: 'credentials', message: '<img src=x onerror=alert(1)>' });
    const signIn = new SignIn(identity, sessions(), MANIFEST, logger);
    const refused = await signIn.post(post({ step: 'password', username: 'a@example.com', password: 'x'.repeat(12) }, { 'sec-fetch-site': 'same-origin' }));
    expect(refused.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(refused.body).not.toContain('<img');
    expect(refused.body).not.toContain('LOCAL_API_KEY');
    const localKey = await signIn.post(post({ step: 'local-key', apiKey: 'eirl_x' }, { 'sec-fetch-site': 'same-origin' }));
    expect(localKey.statusCode).toBe(400);
    expect((await new SignIn(provider(refused as never, true), sessions(), MANIFEST, logger).showPage(apiEvent({ httpMethod: 'GET' }))).body).toContain(
      'Local runtime only',
    );
  });

  it('signing out deletes the session and the cookie; only from this origin', async () => {
    const signIn = new SignIn(provider({ kind: 'refused', reason: 'credentials', message: '' }), sessions(), MANIFEST, logger);
    const cookie = `${SESSION_COOKIE}=${'a'.repeat(43)}`;
    const out = (headers: Record<string, string>) => signIn.signOut(apiEvent({ httpMethod: 'POST', resource: '/sign-out', headers: { host: HOST, cookie, ...headers } }));
    expect((await out({ origin: 'https://evil.example' })).statusCode).toBe(403);
    expect(dynamodb.commandCalls(DeleteCommand)).toHaveLength(0);
    const result = await out({ 'sec-fetch-site': 'same-origin' });
    expect([result.statusCode, result.headers?.Location]).toEqual([303, 'sign-in?ended=1']);
    expect(cookiesOf(result)).toEqual([`${SESSION_COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict`]);
    expect(dynamodb.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({ pk: expect.stringMatching(/^SESSION#[0-9a-f]{64}$/), sk: 'SESSION' });
  });
});
