import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { LeadPathSchema, ListLeadsQuerySchema, SitePathSchema } from '../shared/api-schemas';
import { parseJsonEnv, RetentionSchema } from '../shared/config';
import { requireEnv } from '../shared/env';
import { HttpError, httpErrorBoundary, json, noContent, notFound, parseWith } from '../shared/http';
import { LeadStore } from '../shared/leads/lead-store';
import { grantOf, requireScope } from '../shared/leads/leads-api';
import { logger } from '../shared/logger';
import { buildOpenApiDocument } from '../shared/openapi';

// Where leads are read and erased: GET/DELETE /v1/sites/{siteId}/leads..., behind the API-key authoriser.

const leads = new LeadStore(
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  requireEnv('TABLE_NAME'),
  parseJsonEnv('RETENTION', process.env.RETENTION, RetentionSchema),
);
const openApiDocument = JSON.stringify(buildOpenApiDocument());

type Route = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const routes: Record<string, Route> = {
  'GET /v1/openapi.json': async () => ({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' },
    body: openApiDocument,
  }),

  'GET /v1/sites/{siteId}/leads': async (event) => {
    const { siteId } = parseWith(SitePathSchema, event.pathParameters ?? {});
    requireScope(grantOf(event), siteId, 'leads:read');
    const query = parseWith(ListLeadsQuerySchema, event.queryStringParameters ?? {});
    return json(200, await leads.listLeads(siteId, query));
  },

  'GET /v1/sites/{siteId}/leads/{leadId}': async (event) => {
    const { siteId, leadId } = parseWith(LeadPathSchema, event.pathParameters ?? {});
    requireScope(grantOf(event), siteId, 'leads:read');
    const lead = await leads.getLead(siteId, leadId);
    if (!lead) throw notFound(`No lead ${leadId} on site ${siteId}`);
    return json(200, lead);
  },

  'DELETE /v1/sites/{siteId}/leads/{leadId}': async (event) => {
    const { siteId, leadId } = parseWith(LeadPathSchema, event.pathParameters ?? {});
    const grant = grantOf(event);
    requireScope(grant, siteId, 'leads:erase');
    const existed = await leads.deleteLead(siteId, leadId);
    logger.info('Lead erased', { keyId: grant.keyId, siteId, leadId, existed });
    if (!existed) throw notFound(`No lead ${leadId} on site ${siteId}`);
    return noContent();
  },
};

async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const handle = routes[`${event.httpMethod} ${event.resource}`];
  if (!handle) throw new HttpError(404, 'NotFound', `No route ${event.httpMethod} ${event.resource}`);
  return handle(event);
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(route)
  .use(injectLambdaContext(logger))
  .use(httpErrorBoundary());
