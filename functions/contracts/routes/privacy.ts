import { AccessRequestSchema, AccessResultSchema, AuditListSchema, AuditQuerySchema, ErasureRequestSchema, ErasureResultSchema } from '../api/privacy';
import { EXAMPLE_LEAD_WITH_VISITS, EXAMPLE_SITE } from './examples';
import { authErrors, IDEMPOTENCY_KEY_HEADER, idempotencyErrors, type RouteDefinition } from './route';

const SUBJECT = { ip: '130.214.10.77', from: '2026-11-22T00:00:00Z', to: '2026-11-23T00:00:00Z' };
const MATCHING = { network: '130.214.10.0/24', narrowedByPseudonym: [] };

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
    body: { schema: ErasureRequestSchema, mediaTypes: ['application/json'], example: SUBJECT },
    headers: [IDEMPOTENCY_KEY_HEADER],
    example: { path: { siteId: EXAMPLE_SITE } },
    responses: {
      '200': {
        description: 'What was erased',
        schema: ErasureResultSchema,
        example: { matching: MATCHING, erased: { visits: 1, pageviews: 2, leadsDeleted: [], leadsUpdated: [EXAMPLE_LEAD_WITH_VISITS.leadId] } },
        headers: { 'Idempotent-Replayed': { description: '`true` when this is the kept answer to an earlier request with the same Idempotency-Key' } },
      },
      '400': { description: 'Invalid request; `issues` names each field' },
      '415': { description: 'Content-Type other than application/json' },
      ...idempotencyErrors,
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
    body: { schema: AccessRequestSchema, mediaTypes: ['application/json'], example: { ...SUBJECT, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' } },
    example: { path: { siteId: EXAMPLE_SITE } },
    responses: {
      '200': {
        description: 'The data',
        schema: AccessResultSchema,
        example: {
          matching: MATCHING,
          leads: [EXAMPLE_LEAD_WITH_VISITS],
          notStored: [{ data: 'full IP address', reason: 'Truncated to /24 (IPv4) or /48 (IPv6) before anything is queued or stored.' }],
        },
      },
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
    example: { path: { siteId: EXAMPLE_SITE }, query: { limit: 20 } },
    responses: {
      '200': {
        description: 'Audit records, newest first',
        schema: AuditListSchema,
        example: {
          items: [{ at: '2026-11-22T11:00:00.000Z', keyId: 'k_3b9e1f', action: 'export.create', siteId: EXAMPLE_SITE, expiresAt: '2027-11-22T11:00:00.000Z' }],
          nextCursor: null,
        },
      },
      '400': { description: 'Invalid query; `issues` names each parameter' },
      ...authErrors,
    },
  },
] as const satisfies readonly RouteDefinition[];
