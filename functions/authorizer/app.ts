import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { ApiKeyStore } from '../adapters/dynamodb/api-key-store';
import type { Infrastructure } from '../adapters/infrastructure';
import { createLogger, type Logger } from '../platform/logger';

// API keys are checked here; what a key may do on which site is checked by the API function from this context.

export interface AuthorizerDependencies {
  readonly apiKeys: Pick<ApiKeyStore, 'find'>;
  readonly logger: Logger;
}

export function authorizerDependencies(environment: FunctionEnvironment<'authorizer'>, infrastructure: Infrastructure): AuthorizerDependencies {
  return {
    apiKeys: new ApiKeyStore(infrastructure.documentClient, environment.TABLE_NAME),
    logger: createLogger(FUNCTIONS.authorizer.serviceName),
  };
}

/** The policy covers the whole API because API Gateway caches it per token for every route. */
function policy(effect: 'Allow' | 'Deny', methodArn: string): APIGatewayAuthorizerResult['policyDocument'] {
  const [arnPrefix, stage] = methodArn.split('/');
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: `${arnPrefix}/${stage}/*` }],
  };
}

export function createHandler({ apiKeys, logger }: AuthorizerDependencies) {
  return async function authorize(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
    const match = /^Bearer\s+(\S+)$/i.exec(event.authorizationToken ?? '');
    // Throwing exactly 'Unauthorized' is how a token authoriser makes API Gateway answer 401.
    if (!match?.[1]) throw new Error('Unauthorized');
    const grant = await apiKeys.find(match[1]);
    if (!grant) {
      logger.info('Rejected API key', { reason: 'unknown, revoked or expired' });
      throw new Error('Unauthorized');
    }
    return {
      principalId: grant.keyId,
      policyDocument: policy('Allow', event.methodArn),
      context: { keyId: grant.keyId, sites: JSON.stringify(grant.sites), scopes: JSON.stringify(grant.scopes) },
    };
  };
}
