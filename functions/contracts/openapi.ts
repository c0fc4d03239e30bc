import { z } from 'zod';
import { WEBHOOK_EVENTS } from './api/alerts';
import { ROUTES } from './routes';
import { pathParametersOf, type RouteDefinition } from './routes/route';

/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas the handlers validate with.
 * OpenAPI 3.1 uses JSON Schema 2020-12, which is what zod emits, so no translation layer is needed.
 */

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** The id a schema was registered under with `.meta({ id })`: responses and bodies refer to their component. */
function componentId(schema: z.ZodType): string {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('A schema in the route table has no `.meta({ id })`, so it has no component');
  return id;
}

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

function operation(route: RouteDefinition): Record<string, unknown> {
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => [
      status,
      {
        description: response.description,
        // Error answers all share the one error body.
        ...(response.schema || Number(status) >= 400
          ? { content: { 'application/json': { schema: ref(response.schema ? componentId(response.schema) : 'Error') } } }
          : {}),
      },
    ]),
  );
  const parameters = [
    ...pathParametersOf(route.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(route.query ? queryParameters(route.query) : []),
  ];
  const body = route.body;
  return {
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.auth.type === 'apiKey' ? { security: [{ apiKey: [] }] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? { requestBody: { required: true, content: Object.fromEntries(body.mediaTypes.map((type) => [type, { schema: ref(componentId(body.schema)) }])) } }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(serverUrl?: string): Record<string, unknown> {
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
      description:
        'Which organisations visit your website. Organisation data: @ip-location-db/asn (RouteViews, NRO, DB-IP lite; CC BY 4.0). ' +
        'Location data: DB-IP lite (https://db-ip.com, CC BY 4.0).',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      schemas,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Eirlead API key' } },
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
          summary: event.summary,
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
