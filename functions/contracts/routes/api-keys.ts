import { ApiKeyListSchema, CreateApiKeyRequestSchema, CreatedApiKeySchema } from '../api/api-keys';
import { authErrors, type RouteDefinition } from './route';

/**
 * API keys over HTTP, for the dashboard's settings (an admin) and for machines holding `keys:manage`; the CLI
 * (`npm run keys`) keeps working with AWS credentials. A caller sees and revokes only keys within its own sites, and
 * makes only keys no wider than its own grant. Answered by the dashboard function.
 */
const auth = { type: 'apiKey', scope: 'keys:manage' } as const;

export const API_KEY_ROUTES = [
  {
    operationId: 'listApiKeys',
    method: 'GET',
    path: '/v1/api-keys',
    function: 'dashboard',
    api: 'rest',
    auth,
    summary: 'API keys within the caller’s sites, newest first, without secrets (revoked ones included until they expire)',
    tags: ['api-keys'],
    responses: { '200': { description: 'Keys', schema: ApiKeyListSchema }, ...authErrors },
  },
  {
    operationId: 'createApiKey',
    method: 'POST',
    path: '/v1/api-keys',
    function: 'dashboard',
    api: 'rest',
    auth,
    summary: 'Create an API key no wider than the caller’s grant; the secret is in this answer only',
    tags: ['api-keys'],
    body: { schema: CreateApiKeyRequestSchema, mediaTypes: ['application/json'], example: { sites: ['demo'], scopes: ['leads:read'], days: 90 } },
    responses: {
      '201': { description: 'The key, with its secret (shown once)', schema: CreatedApiKeySchema },
      '400': { description: 'Invalid request; `issues` names each field' },
      '415': { description: 'Content-Type other than application/json' },
      ...authErrors,
      '403': { description: 'Not allowed: without `keys:manage`, or a site or scope the caller does not hold itself' },
    },
  },
  {
    operationId: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/api-keys/{keyId}',
    function: 'dashboard',
    api: 'rest',
    auth,
    summary: 'Revoke an API key within the caller’s sites; the authoriser refuses it from the next request',
    tags: ['api-keys'],
    example: { path: { keyId: '3f0c9a52-7d1e-4b8a-9c61-2e5f8d7a4b10' } },
    responses: { '204': { description: 'Revoked' }, '404': { description: 'No such key within the caller’s sites' }, ...authErrors },
  },
] as const satisfies readonly RouteDefinition[];
