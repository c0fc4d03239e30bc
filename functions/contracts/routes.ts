import type { z } from 'zod';
import type { ApiScope } from './api/api-keys';
import { IngestRequestSchema, IngestResponseSchema } from './api/events';
import { LeadListSchema, LeadWithVisitsSchema, ListLeadsQuerySchema } from './api/leads';
import { AccessRequestSchema, AccessResultSchema, AuditListSchema, AuditQuerySchema, ErasureRequestSchema, ErasureResultSchema } from './api/privacy';
import type { FunctionName } from './functions';

/**
 * The one route table of the HTTP API v1. The CDK constructs build the REST API and the public HTTP API from it,
 * the local runtime routes with it, the leads function dispatches by it (checking each route's scope), and the
 * OpenAPI document is generated from it. A route is added here, and in the function that answers it.
 */

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'OPTIONS';

/**
 * - `public`: the unauthenticated, high-volume routes browsers call, served together so that the snippet finds
 *   `events` next to its own URL: on the public HTTP API by default, on the REST API with `ingestApi: "rest"`;
 * - `rest`: the REST API, behind the API-key authoriser where `auth` says so.
 */
export type ApiKind = 'public' | 'rest';

export type RouteAuth =
  /** `why` is the reason a reviewer reads next to cdk-nag's authorisation findings on the route. */
  | { readonly type: 'none'; readonly why: string }
  /** An API key with `scope` on the path's `siteId`. */
  | { readonly type: 'apiKey'; readonly scope: ApiScope };

export interface RouteResponse {
  readonly description: string;
  /** A schema registered with `.meta({ id })`, sent as `application/json`. */
  readonly schema?: z.ZodType;
}

export interface RouteDefinition {
  /** Stable and unique: names the operation in the OpenAPI document, in generated clients and in dispatch. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway resource template, e.g. `/v1/sites/{siteId}/leads`. */
  readonly path: string;
  readonly function: FunctionName;
  readonly api: ApiKind;
  readonly auth: RouteAuth;
  readonly summary: string;
  readonly tags: readonly string[];
  /** Query parameters: names, required-ness and types come from the schema. */
  readonly query?: z.ZodObject;
  readonly body?: { readonly schema: z.ZodType; readonly mediaTypes: readonly string[] };
  readonly responses: Readonly<Record<string, RouteResponse>>;
  /** CORS preflights are answered, not documented. @default true */
  readonly documented?: boolean;
}

const EVENTS_WHY_PUBLIC =
  "Called by visitors' browsers (the site snippet), which hold no credentials; the function admits only configured sites and their allowed origins, and stage throttling limits abuse.";

const authErrors = {
  '401': { description: 'Missing or unknown API key' },
  '403': { description: 'The key may not do this on this site' },
} as const satisfies Record<string, RouteResponse>;

export const ROUTES = [
  {
    operationId: 'recordEvents',
    method: 'POST',
    path: '/v1/events',
    function: 'ingest',
    api: 'public',
    auth: { type: 'none', why: EVENTS_WHY_PUBLIC },
    summary: 'Record page views and other events (public; called by browsers)',
    tags: ['events'],
    body: { schema: IngestRequestSchema, mediaTypes: ['application/json', 'text/plain'] },
    responses: {
      '202': { description: 'Accepted for enrichment', schema: IngestResponseSchema },
      '400': { description: 'Invalid body; `issues` names each field' },
      '403': { description: 'Unknown site, or origin not allowed for the site' },
      '413': { description: 'Body larger than 16 KiB' },
      '415': { description: 'Content-Type other than application/json or text/plain' },
      '429': { description: 'Throttled' },
    },
  },
  {
    operationId: 'preflightEvents',
    method: 'OPTIONS',
    path: '/v1/events',
    function: 'ingest',
    api: 'public',
    // The function answers it, because it knows each site's allowed origins.
    auth: { type: 'none', why: `CORS preflight of POST /v1/events. ${EVENTS_WHY_PUBLIC}` },
    summary: 'CORS preflight of POST /v1/events',
    tags: ['events'],
    responses: { '204': { description: 'Allowed origin' }, '403': { description: 'Origin not allowed' } },
    documented: false,
  },
  {
    operationId: 'getSnippet',
    method: 'GET',
    path: '/v1/snippet.js',
    function: 'snippet',
    api: 'public',
    auth: {
      type: 'none',
      why: "The tracking snippet is the script customers embed in their public websites; every visitor's browser loads it without credentials, and it holds no data.",
    },
    summary: 'The tracking snippet',
    tags: ['snippet'],
    responses: { '200': { description: 'The script' }, '304': { description: 'Not modified' } },
    documented: false,
  },
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

export type Route = (typeof ROUTES)[number];

/** The operations a function answers, e.g. `OperationOf<'leadsApi'>`: its dispatch table must name each. */
export type OperationOf<F extends FunctionName> = Extract<Route, { function: F }>['operationId'];

/** The route of an API Gateway proxy event (`httpMethod`, `resource`). */
export function findRoute(method: string, path: string): Route | undefined {
  return ROUTES.find((route) => route.method === method && route.path === path);
}

/** `{siteId}`, `{leadId}`: the path's parameters, in order. */
export const pathParametersOf = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
