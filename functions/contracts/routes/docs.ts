import { throttled, type RouteDefinition } from './route';

/** The API reference page: Redoc, self-hosted, rendering GET /v1/openapi.json (functions/docs/). */

const DOCS_WHY_PUBLIC =
  'The reference page renders the public OpenAPI document and holds no data; integrators read it before they have a key.';

export const DOCS_ROUTES = [
  {
    operationId: 'getReferencePage',
    method: 'GET',
    path: '/docs',
    function: 'docs',
    api: 'rest',
    auth: { type: 'none', why: DOCS_WHY_PUBLIC },
    summary: 'The API reference page (HTML)',
    tags: ['meta'],
    responses: {
      '200': {
        description: 'The page; it loads its scripts from /docs/{asset} and the document from /v1/openapi.json, under a strict Content-Security-Policy',
        mediaType: 'text/html',
        example: '<!doctype html><html lang="en"><head><title>Eirlead API</title>…',
        headers: { 'Content-Security-Policy': { description: "No inline script, no eval, no other origin, frame-ancestors 'none'" } },
      },
      ...throttled,
    },
  },
  {
    operationId: 'getReferencePageAsset',
    method: 'GET',
    path: '/docs/{asset}',
    function: 'docs',
    api: 'rest',
    auth: { type: 'none', why: DOCS_WHY_PUBLIC },
    summary: "The reference page's scripts (the Redoc bundle and the page's start script)",
    tags: ['meta'],
    example: { path: { asset: 'redoc.standalone.js' } },
    responses: {
      '200': { description: 'The script', mediaType: 'text/javascript', example: '/*! Redoc */ …' },
      '404': { description: 'No such asset' },
      ...throttled,
    },
  },
] as const satisfies readonly RouteDefinition[];
