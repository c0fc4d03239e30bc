import { createHash } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import type { ApiKeyGrant } from '../contracts/api/api-keys';
import { HiddenIdSchema, HideOrganisationRequestSchema } from '../contracts/api/hidden';
import { ExportIdSchema } from '../contracts/api/exports';
import { LeadIdSchema, ListLeadsQuerySchema } from '../contracts/api/leads';
import { AccessRequestSchema, AuditQuerySchema, ErasureRequestSchema } from '../contracts/api/privacy';
import { SiteIdSchema } from '../contracts/deployment-config';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { buildOpenApiDocument } from '../contracts/openapi';
import { findRoute, type OperationOf, type Route } from '../contracts/routes';
import { pathParametersOf } from '../contracts/routes/route';
import { AuditLog } from '../adapters/dynamodb/audit-log';
import { CrmLinkStore } from '../adapters/dynamodb/crm-links';
import { HiddenOrganisationStore, MAX_HIDDEN_PER_SITE } from '../adapters/dynamodb/hidden-organisations';
import { InvalidCursorError } from '../adapters/dynamodb/cursor';
import { CursorKeyStore } from '../adapters/dynamodb/cursor-key-store';
import { DailySaltStore } from '../adapters/dynamodb/daily-salt-store';
import { ExportJobs } from '../adapters/dynamodb/export-jobs';
import { IdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { LeadStore } from '../adapters/dynamodb/lead-store';
import type { Infrastructure } from '../adapters/infrastructure';
import { keptByCrmFilter } from '../domain/crm/lead-filter';
import { hides } from '../domain/leads/hidden';
import type { StoredLead } from '../domain/leads/model';
import { truncateIp } from '../domain/privacy/network';
import { badRequest, header, HttpError, httpErrorBoundary, json, jsonBody, matchesEtag, noContent, notFound, parseWith, SECURITY_HEADERS } from '../platform/http';
import { createLogger, type Logger } from '../platform/logger';
import { DataSubjectRequests } from './data-subject-requests';
import { exportOperations } from './exports';
import { grantOf, requireScope } from './grants';
import { idempotent } from './idempotency';
import { cursorBinding, PageCursors } from './page-cursors';

// Where leads are read and erased, and data-subject requests answered, behind the API-key authoriser.
// Every read, export and erasure is written to the audit trail before it is answered.

export interface LeadsApiDependencies {
  readonly leads: LeadStore;
  readonly hidden: HiddenOrganisationStore;
  readonly audit: AuditLog;
  readonly cursors: PageCursors;
  readonly dataSubjects: DataSubjectRequests;
  readonly idempotency: IdempotencyStore;
  readonly exports: ReturnType<typeof exportOperations>;
  /** What each lead shows of the connected CRM (docs/crm.md). */
  readonly crmLinks: CrmLinkStore;
  readonly logger: Logger;
}

export function leadsApiDependencies(environment: FunctionEnvironment<'leadsApi'>, infrastructure: Pick<Infrastructure, 'documentClient' | 'exportStorage' | 'invokeAsync' | 'keyService'>): LeadsApiDependencies {
  const { documentClient: doc } = infrastructure;
  const { TABLE_NAME: tableName, RETENTION: retention } = environment;
  const keyService = infrastructure.keyService(environment.KEY_ID);
  const salts = new DailySaltStore(doc, tableName, keyService, retention.saltHours);
  const audit = new AuditLog(doc, tableName, retention.auditDays);
  const logger = createLogger(FUNCTIONS.leadsApi.serviceName);
  return {
    leads: new LeadStore(doc, tableName, retention),
    hidden: new HiddenOrganisationStore(doc, tableName, retention.hiddenOrganisationDays),
    audit,
    cursors: new PageCursors(new CursorKeyStore(doc, tableName, keyService)),
    dataSubjects: new DataSubjectRequests(doc, tableName, salts, retention),
    idempotency: new IdempotencyStore(doc, tableName),
    exports: exportOperations({
      jobs: new ExportJobs(doc, tableName),
      storage: infrastructure.exportStorage(environment.EXPORT_BUCKET),
      audit,
      logger,
      startExport: (task) => infrastructure.invokeAsync(environment.EXPORT_FUNCTION, task),
    }),
    crmLinks: new CrmLinkStore(doc, tableName),
    logger,
  };
}

/** What an operation behind the authoriser is given: the event, its validated path parameters and the key's grant. */
interface KeyedRequest {
  readonly event: APIGatewayProxyEvent;
  readonly siteId: string;
  readonly leadId: string;
  readonly exportId: string;
  readonly grant: ApiKeyGrant;
}
type LeadsRoute = Extract<Route, { function: 'leadsApi' }>;
type KeyedRoute = Extract<LeadsRoute, { auth: { type: 'apiKey' } }>;
type KeyedOperationId = KeyedRoute['operationId'];
type PublicOperationId = Exclude<OperationOf<'leadsApi'>, KeyedOperationId>;
const isLeadsRoute = (route: Route | undefined): route is LeadsRoute => route?.function === 'leadsApi';
const isKeyed = (route: LeadsRoute): route is KeyedRoute => route.auth.type === 'apiKey';

/** The path parameters' rules, by name; a route's parameters are checked before its key and scope. */
const PATH_PARAMETERS: Record<string, z.ZodType<string>> = { siteId: SiteIdSchema, leadId: LeadIdSchema, hiddenId: HiddenIdSchema, exportId: ExportIdSchema };

/** A strong validator of a lead answer: its body's hash (the answer changes with every new page view). */
const etagOf = (body: string): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;

export function createHandler({ leads, hidden, audit, cursors, dataSubjects, idempotency, exports, crmLinks, logger }: LeadsApiDependencies) {
  const openApiDocument = JSON.stringify(buildOpenApiDocument());

  const publicOperations: Record<PublicOperationId, (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>> = {
    getOpenApiDocument: async () => ({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json', ...SECURITY_HEADERS, 'Cache-Control': 'public, max-age=300' },
      body: openApiDocument,
    }),
  };

  // Each route's scope on the path's site is checked before its operation runs (dispatch, below).
  const keyedOperations: Record<KeyedOperationId, (request: KeyedRequest) => Promise<APIGatewayProxyResult>> = {
    listLeads: async ({ event, siteId, grant }) => {
      const { cursor, crm: crmFilter, ...query } = parseWith(ListLeadsQuerySchema, event.queryStringParameters ?? {});
      const { limit: _limit, ...filters } = query;
      const binding = cursorBinding('listLeads', siteId, crmFilter ? { ...filters, crm: crmFilter } : filters);
      const startKey = cursor === undefined ? undefined : await cursors.open(cursor, binding);
      const rules = await hidden.rules(siteId);
      // The CRM filter reads the site's links whole (about half a read unit per 25 links), then filters in the pages.
      const links = crmFilter ? await crmLinks.all(siteId) : undefined;
      const keep = (lead: Pick<StoredLead, 'leadId' | 'organisation'>) =>
        !hides(rules, lead.organisation) && (!crmFilter || keptByCrmFilter(crmFilter, links?.get(lead.leadId)));
      const page = await leads.listLeads(siteId, { ...query, startKey, keep });
      await audit.record({ keyId: grant.keyId, action: 'leads.list', siteId });
      const crm = await crmLinks.forLeads(siteId, page.items.map((lead) => lead.leadId));
      const items = page.items.map((lead) => (crm.has(lead.leadId) ? { ...lead, crm: crm.get(lead.leadId) } : lead));
      // As for a lead (below): the dashboard's 30-second count of new leads asks the same question, and gets a 304
      // without the body until the answer changes.
      const answer = json(200, { items, nextCursor: page.lastKey ? await cursors.seal(page.lastKey, binding) : null });
      const etag = etagOf(answer.body);
      if (matchesEtag(header(event, 'if-none-match'), etag)) return { ...noContent({ ETag: etag }), statusCode: 304 };
      return { ...answer, headers: { ...answer.headers, ETag: etag } };
    },

    // A client that holds the current answer gets a 304 without the body; it was read all the same, so it is audited.
    getLead: async ({ event, siteId, leadId, grant }) => {
      const lead = await leads.getLead(siteId, leadId);
      if (!lead) throw notFound(`No lead ${leadId} on site ${siteId}`);
      await audit.record({ keyId: grant.keyId, action: 'lead.read', siteId, target: leadId });
      const crm = await crmLinks.forLead(siteId, leadId);
      const answer = json(200, crm ? { ...lead, crm } : lead);
      const etag = etagOf(answer.body);
      if (matchesEtag(header(event, 'if-none-match'), etag)) return { ...noContent({ ETag: etag }), statusCode: 304 };
      return { ...answer, headers: { ...answer.headers, ETag: etag } };
    },

    hideOrganisation: async ({ event, siteId, grant }) => {
      const request = parseWith(HideOrganisationRequestSchema, jsonBody(event));
      const rule = request.asn !== undefined ? { asn: request.asn } : request.domain !== undefined ? { domain: request.domain } : { name: request.name ?? '' };
      const entry = await hidden.hide(siteId, rule);
      if (entry === 'full') throw new HttpError(409, 'Conflict', `Site ${siteId} already hides ${MAX_HIDDEN_PER_SITE} organisations; show some again first`);
      await audit.record({ keyId: grant.keyId, action: 'organisation.hide', siteId, target: entry.hiddenId });
      return json(201, entry);
    },

    listHiddenOrganisations: async ({ siteId }) => json(200, { items: await hidden.list(siteId) }),

    showOrganisation: async ({ event, siteId, grant }) => {
      const hiddenId = parseWith(HiddenIdSchema, event.pathParameters?.hiddenId, 'hiddenId');
      if (!(await hidden.show(siteId, hiddenId))) throw notFound(`Site ${siteId} hides no organisation ${hiddenId}`);
      await audit.record({ keyId: grant.keyId, action: 'organisation.show', siteId, target: hiddenId });
      return noContent();
    },

    // Erasures are audited before they act: an erasure that happened is never missing from the trail.
    deleteLead: async ({ siteId, leadId, grant }) => {
      await audit.record({ keyId: grant.keyId, action: 'lead.erase', siteId, target: leadId });
      const existed = await leads.deleteLead(siteId, leadId);
      logger.info('Lead erased', { keyId: grant.keyId, siteId, leadId, existed });
      if (!existed) throw notFound(`No lead ${leadId} on site ${siteId}`);
      return noContent();
    },

    createErasureRequest: async ({ event, siteId, grant }) => {
      const request = parseWith(ErasureRequestSchema, jsonBody(event));
      return idempotent(idempotency, { event, siteId, keyId: grant.keyId, operation: 'createErasureRequest' }, async () => {
        // The audit trail names the truncated network, never the address the request carried.
        await audit.record({ keyId: grant.keyId, action: 'erasure.request', siteId, target: truncateIp(request.ip) });
        const result = await dataSubjects.erase(siteId, request);
        logger.info('Erasure request answered', { keyId: grant.keyId, siteId, visits: result.erased.visits });
        return json(200, result);
      });
    },

    createExport: async ({ event, siteId, grant }) => {
      const body = jsonBody(event);
      return idempotent(idempotency, { event, siteId, keyId: grant.keyId, operation: 'createExport' }, () => exports.create(siteId, grant.keyId, body));
    },

    getExport: ({ siteId, exportId, grant }) => exports.read(siteId, grant.keyId, exportId),

    createAccessRequest: async ({ event, siteId, grant }) => {
      const request = parseWith(AccessRequestSchema, jsonBody(event));
      await audit.record({ keyId: grant.keyId, action: 'access.request', siteId, target: truncateIp(request.ip) });
      return json(200, await dataSubjects.access(siteId, request));
    },

    listAuditRecords: async ({ event, siteId, grant }) => {
      const query = parseWith(AuditQuerySchema, event.queryStringParameters ?? {});
      const binding = cursorBinding('listAuditRecords', siteId);
      const startKey = query.cursor === undefined ? undefined : await cursors.open(query.cursor, binding);
      const page = await audit.list(siteId, query.limit, startKey);
      await audit.record({ keyId: grant.keyId, action: 'audit.read', siteId });
      return json(200, { items: page.items, nextCursor: page.lastKey ? await cursors.seal(page.lastKey, binding) : null });
    },
  };

  async function dispatch(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const route = findRoute(event.httpMethod, event.resource);
    if (!isLeadsRoute(route)) throw new HttpError(404, 'NotFound', `No route ${event.httpMethod} ${event.resource}`);
    const names = pathParametersOf(route.path);
    const parameters = parseWith(
      z.object(Object.fromEntries(names.map((name) => [name, PATH_PARAMETERS[name] ?? z.string()]))),
      event.pathParameters ?? {},
    ) as Record<string, string>;
    if (!isKeyed(route)) return publicOperations[route.operationId](event);
    const siteId = parameters.siteId ?? '';
    const grant = grantOf(event);
    requireScope(grant, siteId, route.auth.scope);
    return keyedOperations[route.operationId]({ event, siteId, leadId: parameters.leadId ?? '', exportId: parameters.exportId ?? '', grant });
  }

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(dispatch)
    .use(injectLambdaContext(logger))
    .use(
      httpErrorBoundary(logger, {
        translate: (error) =>
          error instanceof InvalidCursorError ? badRequest('Invalid cursor', [{ path: 'cursor', message: error.message }]) : undefined,
      }),
    );
}
