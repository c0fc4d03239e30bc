import * as z from 'zod';
import { REGION } from './names';
import { WEBHOOK_EVENTS } from './api/alerts';
import { ROUTES } from './routes';
import { pathParametersOf, type RouteDefinition, type RouteResponse } from './routes/route';

/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas the handlers validate with.
 * OpenAPI 3.1 uses JSON Schema 2020-12, which is what zod emits, so no translation layer is needed. It must lint
 * clean with Redocly's `recommended` rules (test/unit/contracts/openapi-lint.test.ts).
 */

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** The id a schema was registered under with `.meta({ id })`: responses and bodies refer to their component. */
function componentId(schema: z.ZodType): string {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('A schema in the route table has no `.meta({ id })`, so it has no component');
  return id;
}

/** Where the API is served: the local runtime, and a deployed stack's REST API (stack output ApiUrl, less `v1/`). */
const LOCAL_SERVER = { url: 'http://127.0.0.1:3000', description: 'The local runtime (`npm start`; PORT, default 3000)' };
const REST_SERVER = {
  url: `https://{restApiId}.execute-api.${REGION}.amazonaws.com/prod`,
  description: 'A deployed stack: its REST API, the stack output ApiUrl without the trailing `v1/`',
  variables: { restApiId: { default: 'abcde12345', description: 'The REST API id in the stack output ApiUrl' } },
};
/** The public routes (events, snippet) are on the HTTP API unless the stack is deployed with ingestApi "rest". */
const PUBLIC_SERVER = {
  url: `https://{httpApiId}.execute-api.${REGION}.amazonaws.com`,
  description: 'A deployed stack: its public HTTP API, the stack output PublicApiUrl (with ingestApi "rest", the REST API instead)',
  variables: { httpApiId: { default: 'fghij67890', description: 'The HTTP API id in the stack output PublicApiUrl' } },
};
/** `POST /v1/events` with `ingestApi: "functionUrl"` (the default): the ingest function's own URL. */
const FUNCTION_URL_SERVER = {
  url: `https://{urlId}.lambda-url.${REGION}.on.aws`,
  description: 'A deployed stack with ingestApi "functionUrl" (the default): the ingest function URL, the stack output EventsUrl without `/v1/events`',
  variables: { urlId: { default: 'abcdefghijklmnopqrstuvwxyz012345', description: 'The function URL id in the stack output EventsUrl' } },
};

const TAGS = [
  { name: 'events', description: 'What the tracking snippet sends: page views, engagement and form domains (public).' },
  { name: 'snippet', description: 'The tracking snippet customers embed in their websites (public).' },
  { name: 'leads', description: 'The organisations that visited a site, and their visits.' },
  { name: 'hidden organisations', description: "The customer's own correction of the lead list: organisations hidden by AS number, domain or name." },
  { name: 'exports', description: "Every lead of a site in one CSV or NDJSON file, made by an asynchronous job." },
  { name: 'privacy', description: 'Data-subject requests (GDPR Art. 15, 17) and the audit trail (Art. 5(2)).' },
  { name: 'alerts', description: 'Alert rules, their endpoints (Slack, Teams, e-mail, signed webhooks), the delivery log and replays.' },
  { name: 'meta', description: 'This document and the reference page rendered from it (public).' },
];

/** Error codes by status, for the generated examples of error answers (the codes of functions/platform/http.ts). */
const ERROR_CODES: Record<string, string> = {
  '400': 'BadRequest',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'NotFound',
  '409': 'IdempotencyKeyInUse',
  '413': 'PayloadTooLarge',
  '415': 'UnsupportedMediaType',
  '422': 'IdempotencyKeyReused',
  '429': 'Throttled',
};

const REQUEST_ID_HEADER = { $ref: '#/components/headers/X-Request-Id' };

function responseOf(status: string, response: RouteResponse): Record<string, unknown> {
  const headers = {
    'X-Request-Id': REQUEST_ID_HEADER,
    ...Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, { description }]) => [name, { description, schema: { type: 'string' } }])),
  };
  const isError = Number(status) >= 400;
  let content: Record<string, unknown> | undefined;
  if (response.schema || isError) {
    const example =
      response.example ??
      (isError ? { error: { code: ERROR_CODES[status] ?? 'ClientError', message: response.description, requestId: 'c0ffee00-1234-4abc-8def-0123456789ab' } } : undefined);
    content = { 'application/json': { schema: ref(response.schema ? componentId(response.schema) : 'Error'), ...(example === undefined ? {} : { example }) } };
  } else if (response.mediaType) {
    const schema = response.mediaType === 'application/json' ? { type: 'object' } : { type: 'string' };
    content = { [response.mediaType]: { schema, ...(response.example === undefined ? {} : { example: response.example }) } };
  }
  return { description: response.description, headers, ...(content ? { content } : {}) };
}

function queryParameters(route: RouteDefinition) {
  if (!route.query) return [];
  const schema = z.toJSONSchema(route.query, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(schema.properties).map(([name, property]) => {
    const example = route.example?.query?.[name];
    return {
      name,
      in: 'query',
      required: schema.required?.includes(name) ?? false,
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
      schema: property,
      ...(example === undefined ? {} : { example }),
    };
  });
}

function operation(route: RouteDefinition): Record<string, unknown> {
  const responses = Object.fromEntries(Object.entries(route.responses).map(([status, response]) => [status, responseOf(status, response)]));
  const parameters = [
    ...pathParametersOf(route.path).map((name) => {
      const example = route.example?.path?.[name];
      return { name, in: 'path', required: true, schema: { type: 'string' }, ...(example === undefined ? {} : { example }) };
    }),
    ...queryParameters(route),
    ...(route.headers ?? []).map(({ name, description, required, example }) => ({ name, in: 'header', required, description, schema: { type: 'string' }, example })),
  ];
  const body = route.body;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    // OpenAPI 3.1 lets a non-OAuth scheme list role names: the scope the key needs on the path's site.
    security: route.auth.type === 'apiKey' ? [{ apiKey: [route.auth.scope] }] : [],
    ...(route.api === 'public'
      ? { servers: [LOCAL_SERVER, ...('functionUrl' in route && route.functionUrl ? [FUNCTION_URL_SERVER] : []), PUBLIC_SERVER, REST_SERVER] }
      : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(body.mediaTypes.map((type) => [type, { schema: ref(componentId(body.schema)), example: body.example }])),
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(): Record<string, unknown> {
  // Every schema given an id with `.meta({ id })` (functions/contracts/api/) becomes a component.
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES as readonly RouteDefinition[]) {
    if (route.documented === false) continue;
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Eirlead API',
      version: '1',
      summary: 'Which organisations visit your website.',
      description:
        'Eirlead runs in your own AWS account (eu-west-1) or on one machine (`npm start`). Every answer carries an ' +
        '`X-Request-Id` header, also in error bodies as `error.requestId`. Keys are scoped to sites and actions; ' +
        'the scope an operation needs is listed in its security requirement. The reference page is at `/docs`.\n\n' +
        'Organisation data: @ip-location-db/asn (RouteViews, NRO, DB-IP lite; CC BY 4.0). ' +
        'Location data: DB-IP lite (https://db-ip.com, CC BY 4.0).',
      license: { name: 'Apache 2.0', identifier: 'Apache-2.0' },
    },
    servers: [LOCAL_SERVER, REST_SERVER],
    tags: TAGS,
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An Eirlead API key (`eirl_…`), scoped to sites and to the actions leads:read, leads:erase, leads:export, ' +
            'privacy:requests and audit:read (`npm run keys -- create`).',
        },
      },
      headers: {
        'X-Request-Id': {
          description: 'The request id API Gateway (or the local runtime) gave the request; quote it when reporting a problem.',
          schema: { type: 'string' },
        },
      },
    },
    paths,
    webhooks: webhooks(),
  };
}

/** The events alerts send (OpenAPI 3.1 `webhooks`), with the Standard Webhooks headers a receiver verifies. */
function webhooks(): Record<string, unknown> {
  const header = (name: string, description: string) => ({ name, in: 'header', required: true, schema: { type: 'string' }, description });
  return Object.fromEntries(
    WEBHOOK_EVENTS.map((event) => [
      event.name,
      {
        post: {
          operationId: `webhook${event.name.replace(/(^|\.)(\w)/g, (_, __, letter: string) => letter.toUpperCase())}`,
          summary: event.summary,
          // Authenticated by the signature headers below, which OpenAPI has no security scheme for.
          security: [],
          description: 'Signed per Standard Webhooks (docs/alerts.md shows a receiver). Answer 2xx within 10 s; 410 disables the endpoint; anything else (a redirect too) is retried.',
          parameters: [
            header('webhook-id', 'The delivery, the same on every retry and replay: deduplicate on it.'),
            header('webhook-timestamp', 'Epoch seconds of this attempt; reject ones more than 5 minutes away from now.'),
            header('webhook-signature', 'Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per valid secret.'),
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref(componentId(event.schema)) } } },
          responses: { '200': { description: 'Received' }, '410': { description: 'Gone: Eirlead disables the endpoint' } },
        },
      },
    ]),
  );
}
