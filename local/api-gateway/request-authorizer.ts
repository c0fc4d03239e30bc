import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { invoke, type LocalFunction } from '../lambda';
import { describeError } from '../sqs-poller';
import { policyAllows } from './iam-policy';
import { GATEWAY_ERRORS, type GatewayError } from './responses';

export type RequestAuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;

export interface RequestAuthorizer {
  readonly fn: LocalFunction;
  readonly handler: RequestAuthorizerHandler;
}

/** What a REQUEST authoriser is given: the request's method, paths, headers and query (lib/constructs/leads-api.ts). */
export type AuthorizerRequest = Omit<APIGatewayRequestAuthorizerEvent, 'type' | 'methodArn'>;

/**
 * API Gateway's REQUEST authoriser flow with no identity sources and no result cache, as deployed: the authoriser
 * is invoked for every request and decides from its headers (an API key or the session cookie).
 */
export async function authorize(
  authorizer: RequestAuthorizer,
  request: AuthorizerRequest,
  methodArn: string,
  log: (line: string) => void,
): Promise<{ context: Record<string, string | null> } | { error: GatewayError }> {
  const started = Date.now();
  let result: APIGatewayAuthorizerResult;
  try {
    result = await invoke(authorizer.fn, authorizer.handler, { ...request, type: 'REQUEST', methodArn });
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
