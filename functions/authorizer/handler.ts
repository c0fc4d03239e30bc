import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { ApiKeyStore } from '../adapters/dynamodb/api-key-store';
import { requireEnv } from '../platform/env';
import { logger } from '../platform/logger';
import { dynamoDbDocumentClient } from '../adapters/aws-clients';

// API keys are checked here; what a key may do on which site is checked by the API function from this context.

const apiKeys = new ApiKeyStore(dynamoDbDocumentClient(), requireEnv('TABLE_NAME'));

/** The policy covers the whole API because API Gateway caches it per token for every route. */
function policy(effect: 'Allow' | 'Deny', methodArn: string): APIGatewayAuthorizerResult['policyDocument'] {
  const [arnPrefix, stage] = methodArn.split('/');
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: `${arnPrefix}/${stage}/*` }],
  };
}

export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
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
}
