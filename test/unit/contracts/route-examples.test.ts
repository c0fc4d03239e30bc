import type { z } from 'zod';
import { buildOpenApiDocument } from '../../../functions/contracts/openapi';
import { ROUTES } from '../../../functions/contracts/routes';
import { pathParametersOf, type RouteDefinition } from '../../../functions/contracts/routes/route';

/**
 * Every operation of the document shows an example request and answer (issue 19), and every example is what the
 * handlers accept and send: request bodies and query strings parse with the schemas the handlers validate with,
 * answers parse with their response schemas.
 */
const documented = (ROUTES as readonly RouteDefinition[]).filter((route) => route.documented !== false);
const parses = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe.each(documented.map((route) => [route.operationId, route] as const))('%s', (_id, route) => {
  it('has an example answer (error answers get a generated one: a 204 has no body to show), and each fits its schema', () => {
    const examples = Object.entries(route.responses).filter(([, response]) => response.example !== undefined);
    const errorAnswers = Object.keys(route.responses).filter((status) => Number(status) >= 400);
    expect(examples.length + errorAnswers.length).toBeGreaterThan(0);
    for (const [status, response] of examples) {
      if (response.schema) expect({ status, issues: parses(response.schema, response.example) }).toEqual({ status, issues: [] });
    }
  });

  it('has an example request: every path parameter, the body, query values the query schema accepts', () => {
    for (const name of pathParametersOf(route.path)) expect(route.example?.path?.[name]).toEqual(expect.any(String));
    if (route.body) expect(parses(route.body.schema, route.body.example)).toEqual([]);
    if (route.query) {
      const query = Object.fromEntries(Object.entries(route.example?.query ?? {}).map(([name, value]) => [name, String(value)]));
      expect(parses(route.query, query)).toEqual([]);
    }
  });
});

test('the document carries each example where a client generator and the reference page look for it', () => {
  const document = buildOpenApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { example?: unknown }> }> }>> };
  for (const route of documented) {
    const operation = document.paths[route.path]?.[route.method.toLowerCase()];
    const withExample = Object.values(operation?.responses ?? {}).filter((response) => Object.values(response.content ?? {}).some((media) => media.example !== undefined));
    expect({ operation: route.operationId, examples: withExample.length > 0 }).toEqual({ operation: route.operationId, examples: true });
  }
});
