import { IngestRequestSchema, IngestResponseSchema } from '../api/events';
import { EXAMPLE_SITE } from './examples';
import { throttled, type RouteDefinition } from './route';

/** The public routes browsers call: event ingest, its CORS preflight, the snippet. */

const EVENTS_WHY_PUBLIC =
  "Called by visitors' browsers (the site snippet), which hold no credentials; the function admits only configured sites and their allowed origins, and stage throttling limits abuse.";

export const EVENT_ROUTES = [
  {
    operationId: 'recordEvents',
    method: 'POST',
    path: '/v1/events',
    function: 'ingest',
    api: 'public',
    auth: { type: 'none', why: EVENTS_WHY_PUBLIC },
    functionUrl: true,
    summary: 'Record page views and other events (public; called by browsers)',
    tags: ['events'],
    body: {
      schema: IngestRequestSchema,
      mediaTypes: ['application/json', 'text/plain'],
      example: {
        siteId: EXAMPLE_SITE,
        events: [
          {
            id: '3f0c8a1e-5b2d-4c6f-9e7a-1b2c3d4e5f60',
            type: 'pageview',
            url: 'https://www.example.com/pricing',
            referrer: 'https://www.google.com/',
            title: 'Pricing',
            occurredAt: '2026-11-22T10:00:00Z',
          },
        ],
      },
    },
    responses: {
      '202': { description: 'Accepted for enrichment (0 for a bot or an ignored range)', schema: IngestResponseSchema, example: { accepted: 1 } },
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
    functionUrl: true,
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
    headers: [{ name: 'If-None-Match', description: 'The ETag of a copy the browser holds', required: false, example: '"q9x2mB7cR4tV1wZ8yA3eLg"' }],
    responses: {
      '200': {
        description: 'The script (cached an hour, then revalidated by ETag)',
        mediaType: 'text/javascript',
        example: '(()=>{"use strict";/* … */})();',
        headers: { ETag: { description: 'The version of the script' } },
      },
      '304': { description: 'Not modified: the copy named in If-None-Match is current' },
      ...throttled,
    },
  },
] as const satisfies readonly RouteDefinition[];

/** The routes the ingest function serves at its function URL (`ingestApi: "functionUrl"`). */
export const INGEST_URL_ROUTES = EVENT_ROUTES.filter((route) => route.function === 'ingest' && 'functionUrl' in route && route.functionUrl);
