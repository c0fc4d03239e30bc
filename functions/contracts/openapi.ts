import { z } from 'zod';
import { ListLeadsQuerySchema } from './api/schemas';
import { AccessQuerySchema, AuditQuerySchema } from './api/privacy';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the handlers validate with. OpenAPI 3.1
 * uses JSON Schema 2020-12, which is what zod emits, so no translation layer is needed.
 */
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const jsonResponse = (description: string, id: string) => ({ description, content: { 'application/json': { schema: ref(id) } } });

function queryParameters(querySchema: z.ZodType) {
  const schema = z.toJSONSchema(querySchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const siteIdParameter = { name: 'siteId', in: 'path', required: true, schema: { type: 'string' } };
const leadIdParameter = { name: 'leadId', in: 'path', required: true, schema: { type: 'string' } };
const authErrors = {
  '401': errorResponse('Missing or unknown API key'),
  '403': errorResponse('The key may not do this on this site'),
};

export function buildOpenApiDocument(serverUrl?: string): Record<string, unknown> {
  // Every schema given an id with `.meta({ id })` (api-schemas.ts, privacy-schemas.ts) becomes a component.
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Eirlead API',
      version: '1',
      description:
        'Which organisations visit your website. Organisation data: @ip-location-db/asn (RouteViews, NRO, DB-IP lite; CC BY 4.0). ' +
        'Location data: DB-IP lite (https://db-ip.com, CC BY 4.0).',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      schemas,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Eirlead API key' } },
    },
    paths: {
      '/v1/events': {
        post: {
          summary: 'Record page views and other events (public; called by browsers)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('IngestRequest') }, 'text/plain': { schema: ref('IngestRequest') } },
          },
          responses: {
            '202': jsonResponse('Accepted for enrichment', 'IngestResponse'),
            '400': errorResponse('Invalid body; `issues` names each field'),
            '403': errorResponse('Unknown site, or origin not allowed for the site'),
            '413': errorResponse('Body larger than 16 KiB'),
            '415': errorResponse('Content-Type other than application/json or text/plain'),
            '429': errorResponse('Throttled'),
          },
        },
      },
      '/v1/sites/{siteId}/leads': {
        get: {
          summary: 'Leads of a site, newest lastSeenAt first',
          security: [{ apiKey: [] }],
          parameters: [siteIdParameter, ...queryParameters(ListLeadsQuerySchema)],
          responses: { '200': jsonResponse('A page of leads', 'LeadList'), '400': errorResponse('Invalid query'), ...authErrors },
        },
      },
      '/v1/sites/{siteId}/leads/{leadId}': {
        get: {
          summary: 'One lead with its visits, newest first',
          security: [{ apiKey: [] }],
          parameters: [siteIdParameter, leadIdParameter],
          responses: { '200': jsonResponse('The lead', 'LeadWithVisits'), '404': errorResponse('No such lead'), ...authErrors },
        },
        delete: {
          summary: 'Erase a lead and all its visits',
          security: [{ apiKey: [] }],
          parameters: [siteIdParameter, leadIdParameter],
          responses: { '204': { description: 'Erased' }, '404': errorResponse('No such lead'), ...authErrors },
        },
      },
      '/v1/sites/{siteId}/erasure-requests': {
        post: {
          summary: 'Erase what could stem from an IP address in a time window (GDPR Art. 17)',
          security: [{ apiKey: [] }],
          parameters: [siteIdParameter],
          requestBody: { required: true, content: { 'application/json': { schema: ref('ErasureRequest') } } },
          responses: {
            '200': jsonResponse('What was erased', 'ErasureResult'),
            '400': errorResponse('Invalid request; `issues` names each field'),
            '415': errorResponse('Content-Type other than application/json'),
            ...authErrors,
          },
        },
      },
      '/v1/sites/{siteId}/access-requests': {
        get: {
          summary: 'Everything stored that could relate to an IP address in a time window (GDPR Art. 15)',
          security: [{ apiKey: [] }],
          parameters: [siteIdParameter, ...queryParameters(AccessQuerySchema)],
          responses: { '200': jsonResponse('The data', 'AccessResult'), '400': errorResponse('Invalid query'), ...authErrors },
        },
      },
      '/v1/sites/{siteId}/audit': {
        get: {
          summary: 'Who read, exported or erased what (needs the audit:read scope)',
          security: [{ apiKey: [] }],
          parameters: [siteIdParameter, ...queryParameters(AuditQuerySchema)],
          responses: { '200': jsonResponse('Audit records, newest first', 'AuditList'), '400': errorResponse('Invalid query'), ...authErrors },
        },
      },
    },
  };
}
