import { HiddenOrganisationListSchema, HiddenOrganisationSchema, HideOrganisationRequestSchema } from '../api/hidden';
import type { HiddenOrganisation } from '../api/hidden';
import { EXAMPLE_SITE } from './examples';
import { authErrors, type RouteDefinition } from './route';

const EXAMPLE_HIDDEN: HiddenOrganisation = {
  hiddenId: '3k9x2m7q1v8w4z6p0r5t',
  domain: 'example-isp.net',
  hiddenAt: '2026-11-22T10:00:00.000Z',
  expiresAt: '2027-11-22T10:00:00.000Z',
};

/** Hidden organisations: the customer's own correction of the lead list, in effect at once. */
export const HIDDEN_ROUTES = [
  {
    operationId: 'hideOrganisation',
    method: 'POST',
    path: '/v1/sites/{siteId}/hidden-organisations',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'leads:hide' },
    summary: 'Hide an organisation (by AS number, domain or name): gone from the lead list, no new leads',
    tags: ['hidden organisations'],
    body: { schema: HideOrganisationRequestSchema, mediaTypes: ['application/json'], example: { domain: 'example-isp.net' } },
    example: { path: { siteId: EXAMPLE_SITE } },
    responses: {
      '201': { description: 'Hidden (hiding it again answers the same entry)', schema: HiddenOrganisationSchema, example: EXAMPLE_HIDDEN },
      '400': { description: 'Invalid request; `issues` names each field' },
      '409': { description: 'The site already hides the most organisations it may (1,000)' },
      '415': { description: 'Content-Type other than application/json' },
      ...authErrors,
    },
  },
  {
    operationId: 'listHiddenOrganisations',
    method: 'GET',
    path: '/v1/sites/{siteId}/hidden-organisations',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'leads:read' },
    summary: 'The organisations this site hides',
    tags: ['hidden organisations'],
    example: { path: { siteId: EXAMPLE_SITE } },
    responses: { '200': { description: 'Hidden organisations', schema: HiddenOrganisationListSchema, example: { items: [EXAMPLE_HIDDEN] } }, ...authErrors },
  },
  {
    operationId: 'showOrganisation',
    method: 'DELETE',
    path: '/v1/sites/{siteId}/hidden-organisations/{hiddenId}',
    function: 'leadsApi',
    api: 'rest',
    auth: { type: 'apiKey', scope: 'leads:hide' },
    summary: 'Show a hidden organisation again',
    tags: ['hidden organisations'],
    example: { path: { siteId: EXAMPLE_SITE, hiddenId: EXAMPLE_HIDDEN.hiddenId } },
    responses: { '204': { description: 'Shown again' }, '404': { description: 'No such hidden organisation' }, ...authErrors },
  },
] as const satisfies readonly RouteDefinition[];
