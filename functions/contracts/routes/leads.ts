import { LeadListSchema, LeadWithVisitsSchema, ListLeadsQuerySchema } from '../api/leads';
import { LIST_REFRESH_MINUTES } from '../names';
import { authErrors, type RouteDefinition } from './route';

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
    responses: { '200': { description: 'The OpenAPI document' } },
    documented: false,
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
    responses: { '200': { description: 'A page of leads', schema: LeadListSchema }, '400': { description: 'Invalid query' }, ...authErrors },
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
    responses: { '200': { description: 'The lead', schema: LeadWithVisitsSchema }, '404': { description: 'No such lead' }, ...authErrors },
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
    responses: { '204': { description: 'Erased' }, '404': { description: 'No such lead' }, ...authErrors },
  },
] as const satisfies readonly RouteDefinition[];
