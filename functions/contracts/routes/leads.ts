import { LeadListSchema, LeadWithVisitsSchema, ListLeadsQuerySchema } from '../api/leads';
import { authErrors, type RouteDefinition } from './route';

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
