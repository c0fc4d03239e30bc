import { LeadListSchema, LeadWithVisitsSchema, ListLeadsQuerySchema } from '../api/leads';
import { LIST_REFRESH_MINUTES } from '../names';
import { EXAMPLE_LEAD, EXAMPLE_LEAD_ID, EXAMPLE_LEAD_WITH_VISITS, EXAMPLE_SITE } from './examples';
import { authErrors, throttled, type RouteDefinition } from './route';

/**
 * What the list promises about its order and figures (listing.ts keeps it): exact order by the time it shows, which
 * trails the lead by less than LIST_REFRESH_MINUTES.
 */
const LIST_ORDER_PROMISE =
  `Ordered newest first, exactly by the \`lastSeenAt\` each item shows. An item shows its lead as it was when last listed: ` +
  `a lead's listing is refreshed when the lead is seen ${LIST_REFRESH_MINUTES} minutes or more after the \`lastSeenAt\` it shows ` +
  `(and at once when its organisation, match or location changes), so an item's \`lastSeenAt\` is less than ` +
  `${LIST_REFRESH_MINUTES} minutes behind the lead's own and its counts (\`visits\`, \`pageviews\`, \`engagedMs\`, \`pageCounts\`) ` +
  `lack at most the events of that interval. \`since\` and \`until\` compare the \`lastSeenAt\` shown. ` +
  'GET /v1/sites/{siteId}/leads/{leadId} always answers with the exact figures.';

/** The leads API and its own description. */
export const LEAD_ROUTES = [
  {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'leadsApi',
    api: 'rest',
    auth: {
      type: 'none',
      why: 'The OpenAPI document describes the public API and holds no data; integrators read it before they have a key.',
    },
    summary: 'This document',
    tags: ['meta'],
    responses: {
      '200': { description: 'The OpenAPI 3.1 document', mediaType: 'application/json', example: { openapi: '3.1.0', info: { title: 'Eirlead API', version: '1' } } },
      ...throttled,
    },
  },
  {
    operationId: 'listLeads',
    method: 'GET',
    path: '/v1/sites/{siteId}/leads',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'leads:read' },
    summary: 'Leads of a site, newest lastSeenAt first',
    description: LIST_ORDER_PROMISE,
    tags: ['leads'],
    query: ListLeadsQuerySchema,
    example: { path: { siteId: EXAMPLE_SITE }, query: { country: 'DE', minVisits: '2', path: '/pricing', limit: 20 } },
    responses: {
      '200': {
        description: 'A page of leads',
        schema: LeadListSchema,
        example: { items: [EXAMPLE_LEAD], nextCursor: null },
        headers: { ETag: { description: 'The version of this answer, for If-None-Match' } },
      },
      '304': { description: 'Not modified: the copy named in If-None-Match is current', headers: { ETag: { description: 'The current version' } } },
      '400': { description: 'Invalid query; `issues` names each parameter' },
      ...authErrors,
    },
  },
  {
    operationId: 'getLead',
    method: 'GET',
    path: '/v1/sites/{siteId}/leads/{leadId}',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'leads:read' },
    summary: 'One lead with its visits, newest first',
    tags: ['leads'],
    headers: [{ name: 'If-None-Match', description: 'The ETag of a copy the client holds: 304 while it is current', required: false, example: '"Yk3n0cQv8bX2sW5pL1aZrA"' }],
    example: { path: { siteId: EXAMPLE_SITE, leadId: EXAMPLE_LEAD_ID } },
    responses: {
      '200': {
        description: 'The lead',
        schema: LeadWithVisitsSchema,
        example: EXAMPLE_LEAD_WITH_VISITS,
        headers: { ETag: { description: 'The version of this answer, for If-None-Match' } },
      },
      '304': { description: 'Not modified: the copy named in If-None-Match is current', headers: { ETag: { description: 'The current version' } } },
      '404': { description: 'No such lead' },
      ...authErrors,
    },
  },
  {
    operationId: 'deleteLead',
    method: 'DELETE',
    path: '/v1/sites/{siteId}/leads/{leadId}',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'leads:erase' },
    summary: 'Erase a lead and all its visits',
    tags: ['leads'],
    example: { path: { siteId: EXAMPLE_SITE, leadId: EXAMPLE_LEAD_ID } },
    responses: { '204': { description: 'Erased' }, '404': { description: 'No such lead' }, ...authErrors },
  },
] as const satisfies readonly RouteDefinition[];
