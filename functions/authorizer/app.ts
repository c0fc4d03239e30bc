import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import type { ApiKeyGrant } from '../contracts/api/api-keys';
import { SESSION_COOKIE } from '../contracts/api/dashboard';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { ApiKeyStore } from '../adapters/dynamodb/api-key-store';
import { SessionStore, type Session } from '../adapters/dynamodb/session-store';
import type { Infrastructure } from '../adapters/infrastructure';
import { cookieValue, isSameOriginRequest } from '../platform/cookies';
import { createLogger, type Logger } from '../platform/logger';

// Machines send an API key (`Authorization: Bearer …`); people send the dashboard's session cookie. Either way the
// API function gets a grant (sites and scopes) in the context and checks the route's scope on the path's site.
// The stack (lib/constructs/leads-api.ts) and the local runtime send REQUEST events, which carry the cookie. TOKEN
// events (API keys only) are still accepted: a stack deployed before the dashboard sends them until its update
// replaces the authoriser, and the function is updated first.

export interface AuthorizerDependencies {
  readonly apiKeys: Pick<ApiKeyStore, 'find'>;
  readonly sessions: Pick<SessionStore, 'find'>;
  readonly logger: Logger;
}

export function authorizerDependencies(environment: FunctionEnvironment<'authorizer'>, infrastructure: Pick<Infrastructure, 'documentClient'>): AuthorizerDependencies {
  return {
    apiKeys: new ApiKeyStore(infrastructure.documentClient, environment.TABLE_NAME),
    sessions: new SessionStore(infrastructure.documentClient, environment.TABLE_NAME),
    logger: createLogger(FUNCTIONS.authorizer.serviceName),
  };
}

/** The policy covers the whole API: the grant, not the policy, says what the caller may do (checked per route). */
function policy(effect: 'Allow' | 'Deny', methodArn: string): APIGatewayAuthorizerResult['policyDocument'] {
  const [arnPrefix, stage] = methodArn.split('/');
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: `${arnPrefix}/${stage}/*` }],
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function headerOf(event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** What the API functions read (functions/leads-api/grants.ts): API Gateway passes context values as strings. */
function allow(event: { methodArn: string }, principalId: string, grant: ApiKeyGrant, person?: Session): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: policy('Allow', event.methodArn),
    context: {
      keyId: grant.keyId,
      sites: JSON.stringify(grant.sites),
      scopes: JSON.stringify(grant.scopes),
      role: person?.role ?? '',
      localOnly: person?.localOnly ? 'true' : 'false',
    },
  };
}

export function createHandler({ apiKeys, sessions, logger }: AuthorizerDependencies) {
  return async function authorize(event: APIGatewayRequestAuthorizerEvent | APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
    const authorization = event.type === 'TOKEN' ? event.authorizationToken : headerOf(event, 'authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      // Throwing exactly 'Unauthorized' is how a Lambda authoriser makes API Gateway answer 401.
      if (!match?.[1]) throw new Error('Unauthorized');
      const grant = await apiKeys.find(match[1]);
      if (!grant) {
        logger.info('Rejected API key', { reason: 'unknown, revoked or expired' });
        throw new Error('Unauthorized');
      }
      return allow(event, grant.keyId, grant);
    }

    if (event.type === 'TOKEN') throw new Error('Unauthorized');
    const token = cookieValue(headerOf(event, 'cookie'), SESSION_COOKIE);
    if (token === undefined) throw new Error('Unauthorized');
    const session = await sessions.find(token);
    if (!session) {
      logger.info('Rejected session', { reason: 'unknown, ended or expired' });
      throw new Error('Unauthorized');
    }
    // The cookie is SameSite=Strict, so another site's form or script cannot send it; a state-changing request
    // must also come from a page of this origin (fetch sends Origin on every POST and DELETE).
    const fromThisOrigin = isSameOriginRequest({ origin: headerOf(event, 'origin'), host: headerOf(event, 'host'), fetchSite: headerOf(event, 'sec-fetch-site') });
    if (!SAFE_METHODS.has(event.httpMethod) && !fromThisOrigin) {
      logger.info('Refused a cross-origin request with a session', { method: event.httpMethod });
      return { principalId: `user:${session.userId}`, policyDocument: policy('Deny', event.methodArn) };
    }
    const principal = `user:${session.userId}`;
    return allow(event, principal, { keyId: principal, sites: session.sites, scopes: session.scopes }, session);
  };
}
