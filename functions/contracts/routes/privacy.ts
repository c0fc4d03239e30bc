import { AccessRequestSchema, AccessResultSchema, AuditListSchema, AuditQuerySchema, ErasureRequestSchema, ErasureResultSchema } from '../api/privacy';
import { authErrors, type RouteDefinition } from './route';

/** Data-subject requests (GDPR Art. 15, 17) and the audit trail (Art. 5(2)). */

export const PRIVACY_ROUTES = [
  {
    operationId: 'createErasureRequest',
    method: 'POST',
    path: '/v1/sites/{siteId}/erasure-requests',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'privacy:requests' },
    summary: 'Erase what could stem from an IP address in a time window (GDPR Art. 17)',
    tags: ['privacy'],
    body: { schema: ErasureRequestSchema, mediaTypes: ['application/json'] },
    responses: {
      '200': { description: 'What was erased', schema: ErasureResultSchema },
      '400': { description: 'Invalid request; `issues` names each field' },
      '415': { description: 'Content-Type other than application/json' },
      ...authErrors,
    },
  },
  {
    operationId: 'createAccessRequest',
    method: 'POST',
    path: '/v1/sites/{siteId}/access-requests',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'privacy:requests' },
    summary: 'Everything stored that could relate to an IP address in a time window (GDPR Art. 15)',
    tags: ['privacy'],
    body: { schema: AccessRequestSchema, mediaTypes: ['application/json'] },
    responses: {
      '200': { description: 'The data', schema: AccessResultSchema },
      '400': { description: 'Invalid request; `issues` names each field' },
      '415': { description: 'Content-Type other than application/json' },
      ...authErrors,
    },
  },
  {
    operationId: 'listAuditRecords',
    method: 'GET',
    path: '/v1/sites/{siteId}/audit',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'audit:read' },
    summary: 'Who read, exported or erased what (needs the audit:read scope)',
    tags: ['privacy'],
    query: AuditQuerySchema,
    responses: { '200': { description: 'Audit records, newest first', schema: AuditListSchema }, '400': { description: 'Invalid query' }, ...authErrors },
  },
] as const satisfies readonly RouteDefinition[];
