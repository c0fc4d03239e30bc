import type { APIGatewayProxyEvent } from 'aws-lambda';
import { allows } from '../domain/api-keys';
import { ApiKeyGrantSchema, type ApiKeyGrant, type ApiScope } from '../contracts/api/api-keys';
import { forbidden, HttpError } from '../platform/http';

// The same reading of the authoriser's grant as functions/leads-api/grants.ts: a function may not import another
// function's folder, and platform/ may not import domain/ (where `allows` lives), so the twenty lines are repeated.

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

export function requireScope(grant: ApiKeyGrant, siteId: string, scope: ApiScope): void {
  if (!allows(grant, siteId, scope)) throw forbidden('Forbidden', `This API key may not ${scope} on site ${siteId}`);
}
