import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { LeadPathSchema, ListLeadsQuerySchema, SitePathSchema } from '../contracts/api/schemas';
import { AuditLog } from '../adapters/dynamodb/audit-log';
import { parseJsonEnv, RetentionSchema } from '../contracts/deployment-config';
import { requireEnv } from '../platform/env';
import { badRequest, header, HttpError, httpErrorBoundary, json, noContent, notFound, parseWith, SECURITY_HEADERS } from '../platform/http';
import { keyServiceFromEnv } from '../adapters/kms/key-service';
import { DataSubjectRequests } from './data-subject-requests';
import { LeadStore } from '../adapters/dynamodb/lead-store';
import { AccessQuerySchema, AuditQuerySchema, ErasureRequestSchema } from '../contracts/api/privacy';
import { DailySaltStore } from '../adapters/dynamodb/daily-salt-store';
import { truncateIp } from '../domain/privacy/network';
import { grantOf, requireScope } from './grants';
import { logger } from '../platform/logger';
import { buildOpenApiDocument } from '../contracts/openapi';
import { dynamoDbDocumentClient } from '../adapters/aws-clients';

// Where leads are read and erased, and data-subject requests answered, behind the API-key authoriser.
// Every read, export and erasure is written to the audit trail before it is answered.

const doc = dynamoDbDocumentClient();
const tableName = requireEnv('TABLE_NAME');
const retention = parseJsonEnv('RETENTION', process.env.RETENTION, RetentionSchema);
const leads = new LeadStore(doc, tableName, retention);
const audit = new AuditLog(doc, tableName, retention.auditDays);
const dataSubjects = new DataSubjectRequests(doc, tableName, new DailySaltStore(doc, tableName, keyServiceFromEnv(), retention.saltHours), retention);

function jsonBody(event: APIGatewayProxyEvent): unknown {
  if (!header(event, 'content-type')?.toLowerCase().startsWith('application/json')) {
    throw new HttpError(415, 'UnsupportedMediaType', 'Content-Type must be application/json');
  }
  try {
    return JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''));
  } catch {
    throw badRequest('Body is not valid JSON', [{ path: '(body)', message: 'not valid JSON' }]);
  }
}
const openApiDocument = JSON.stringify(buildOpenApiDocument());

type Route = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const routes: Record<string, Route> = {
  'GET /v1/openapi.json': async () => ({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', ...SECURITY_HEADERS, 'Cache-Control': 'public, max-age=300' },
    body: openApiDocument,
  }),

  'GET /v1/sites/{siteId}/leads': async (event) => {
    const { siteId } = parseWith(SitePathSchema, event.pathParameters ?? {});
    const grant = grantOf(event);
    requireScope(grant, siteId, 'leads:read');
    const query = parseWith(ListLeadsQuerySchema, event.queryStringParameters ?? {});
    const page = await leads.listLeads(siteId, query);
    await audit.record({ keyId: grant.keyId, action: 'leads.list', siteId });
    return json(200, page);
  },

  'GET /v1/sites/{siteId}/leads/{leadId}': async (event) => {
    const { siteId, leadId } = parseWith(LeadPathSchema, event.pathParameters ?? {});
    const grant = grantOf(event);
    requireScope(grant, siteId, 'leads:read');
    const lead = await leads.getLead(siteId, leadId);
    if (!lead) throw notFound(`No lead ${leadId} on site ${siteId}`);
    await audit.record({ keyId: grant.keyId, action: 'lead.read', siteId, target: leadId });
    return json(200, lead);
  },

  'DELETE /v1/sites/{siteId}/leads/{leadId}': async (event) => {
    const { siteId, leadId } = parseWith(LeadPathSchema, event.pathParameters ?? {});
    const grant = grantOf(event);
    requireScope(grant, siteId, 'leads:erase');
    const existed = await leads.deleteLead(siteId, leadId);
    logger.info('Lead erased', { keyId: grant.keyId, siteId, leadId, existed });
    if (!existed) throw notFound(`No lead ${leadId} on site ${siteId}`);
    await audit.record({ keyId: grant.keyId, action: 'lead.erase', siteId, target: leadId });
    return noContent();
  },

  'POST /v1/sites/{siteId}/erasure-requests': async (event) => {
    const { siteId } = parseWith(SitePathSchema, event.pathParameters ?? {});
    const grant = grantOf(event);
    requireScope(grant, siteId, 'leads:erase');
    const request = parseWith(ErasureRequestSchema, jsonBody(event));
    const result = await dataSubjects.erase(siteId, request);
    // The audit trail names the truncated network, never the address the request carried.
    await audit.record({ keyId: grant.keyId, action: 'erasure.request', siteId, target: truncateIp(request.ip) });
    logger.info('Erasure request answered', { keyId: grant.keyId, siteId, visits: result.erased.visits });
    return json(200, result);
  },

  'GET /v1/sites/{siteId}/access-requests': async (event) => {
    const { siteId } = parseWith(SitePathSchema, event.pathParameters ?? {});
    const grant = grantOf(event);
    requireScope(grant, siteId, 'leads:read');
    const query = parseWith(AccessQuerySchema, event.queryStringParameters ?? {});
    const result = await dataSubjects.access(siteId, query);
    await audit.record({ keyId: grant.keyId, action: 'access.request', siteId, target: truncateIp(query.ip) });
    return json(200, result);
  },

  'GET /v1/sites/{siteId}/audit': async (event) => {
    const { siteId } = parseWith(SitePathSchema, event.pathParameters ?? {});
    const grant = grantOf(event);
    requireScope(grant, siteId, 'audit:read');
    const query = parseWith(AuditQuerySchema, event.queryStringParameters ?? {});
    const page = await audit.list(siteId, query.limit, query.cursor);
    await audit.record({ keyId: grant.keyId, action: 'audit.read', siteId });
    return json(200, page);
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
