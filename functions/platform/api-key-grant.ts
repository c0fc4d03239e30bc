import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiKeyGrantSchema, type ApiKeyGrant } from '../contracts/api/api-keys';
import { HttpError } from './http';

/** The grant the authoriser attached; API Gateway passes authoriser context values as strings. */
export function grantOf(event: APIGatewayProxyEvent): ApiKeyGrant {
  const context = event.requestContext.authorizer ?? {};
  const parsed = ApiKeyGrantSchema.safeParse({
    keyId: context.keyId,
    sites: typeof context.sites === 'string' ? JSON.parse(context.sites) : context.sites,
    scopes: typeof context.scopes === 'string' ? JSON.parse(context.scopes) : context.scopes,
  });
  if (!parsed.success) throw new HttpError(401, 'Unauthorized', 'Missing or invalid API key');
  return parsed.data;
}
