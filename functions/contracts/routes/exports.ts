import { ExportJobSchema, ExportRequestSchema } from '../api/exports';
import { EXAMPLE_EXPORT_DONE, EXAMPLE_EXPORT_ID, EXAMPLE_EXPORT_QUEUED, EXAMPLE_SITE } from './examples';
import { authErrors, IDEMPOTENCY_KEY_HEADER, idempotencyErrors, type RouteDefinition } from './route';

/** Bulk exports of a site's leads: an asynchronous job (functions/lead-export/) and its file. */

export const EXPORT_ROUTES = [
  {
    operationId: 'createExport',
    method: 'POST',
    path: '/v1/sites/{siteId}/exports',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'leads:export' },
    summary: "Start an export of the site's leads (CSV or NDJSON, no cap)",
    tags: ['exports'],
    body: {
      schema: ExportRequestSchema,
      mediaTypes: ['application/json'],
      example: { format: 'csv', visits: false, filters: { country: 'DE', minVisits: 2 } },
    },
    headers: [IDEMPOTENCY_KEY_HEADER],
    example: { path: { siteId: EXAMPLE_SITE } },
    responses: {
      '202': {
        description: 'Queued; poll the export until it has succeeded or failed',
        schema: ExportJobSchema,
        example: EXAMPLE_EXPORT_QUEUED,
        headers: {
          Location: { description: 'The export: `/v1/sites/{siteId}/exports/{exportId}`' },
          'Idempotent-Replayed': { description: '`true` when this is the kept answer to an earlier request with the same Idempotency-Key' },
        },
      },
      '400': { description: 'Invalid request; `issues` names each field' },
      '415': { description: 'Content-Type other than application/json' },
      ...idempotencyErrors,
      ...authErrors,
    },
  },
  {
    operationId: 'getExport',
    method: 'GET',
    path: '/v1/sites/{siteId}/exports/{exportId}',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'leads:export' },
    summary: 'An export: its status and, once it has succeeded, a download link valid for 15 minutes',
    tags: ['exports'],
    example: { path: { siteId: EXAMPLE_SITE, exportId: EXAMPLE_EXPORT_ID } },
    responses: {
      '200': { description: 'The export', schema: ExportJobSchema, example: EXAMPLE_EXPORT_DONE },
      '404': { description: 'No such export (or it has expired)' },
      ...authErrors,
    },
  },
] as const satisfies readonly RouteDefinition[];
