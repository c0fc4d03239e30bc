import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { invoke, type LocalFunction } from '../lambda';
import { describeError } from '../sqs-poller';
import { policyAllows } from './iam-policy';
import { GATEWAY_ERRORS, type GatewayError } from './responses';

export type TokenAuthorizerHandler = (
  event: APIGatewayTokenAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;

export interface TokenAuthorizer {
  readonly fn: LocalFunction;
  readonly handler: TokenAuthorizerHandler;
}

/** API Gateway's TOKEN authoriser flow (without its result cache, so a revoked key stops working at once). */
export async function authorize(
  authorizer: TokenAuthorizer,
  token: string | undefined,
  methodArn: string,
  log: (line: string) => void,
): Promise<{ context: Record<string, string | null> } | { error: GatewayError }> {
  if (token === undefined || token.trim() === '') return { error: GATEWAY_ERRORS.unauthorized };
  const started = Date.now();
  let result: APIGatewayAuthorizerResult;
  try {
    result = await invoke(authorizer.fn, authorizer.handler, { type: 'TOKEN', authorizationToken: token, methodArn });
  } catch (error) {
    // The one error API Gateway turns into 401; anything else is an authoriser failure (500).
    if (error instanceof Error && error.message === 'Unauthorized') return { error: GATEWAY_ERRORS.unauthorized };
    log(`http: ${authorizer.fn.name} failed: ${describeError(error)}`);
    return { error: GATEWAY_ERRORS.authorizerFailure };
  }
  if (typeof result?.principalId !== 'string' || !Array.isArray(result.policyDocument?.Statement)) {
    log(`http: ${authorizer.fn.name} returned a malformed policy`);
    return { error: GATEWAY_ERRORS.authorizerFailure };
  }
  if (!policyAllows(result.policyDocument.Statement, methodArn)) return { error: GATEWAY_ERRORS.forbidden };
  const context: Record<string, string | null> = {};
  // API Gateway hands context values to the integration as strings.
  for (const [key, value] of Object.entries(result.context ?? {})) {
    context[key] = value === null || value === undefined ? null : String(value);
  }
  context.principalId = result.principalId;
  context.integrationLatency = String(Date.now() - started);
  return { context };
}
