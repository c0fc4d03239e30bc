import { HiddenOrganisationListSchema, HiddenOrganisationSchema, HideOrganisationRequestSchema } from '../api/hidden';
import { authErrors, type RouteDefinition } from './route';

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
    body: { schema: HideOrganisationRequestSchema, mediaTypes: ['application/json'] },
    responses: {
      '201': { description: 'Hidden (hiding it again answers the same entry)', schema: HiddenOrganisationSchema },
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
    responses: { '200': { description: 'Hidden organisations', schema: HiddenOrganisationListSchema }, ...authErrors },
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
    responses: { '204': { description: 'Shown again' }, '404': { description: 'No such hidden organisation' }, ...authErrors },
  },
] as const satisfies readonly RouteDefinition[];
