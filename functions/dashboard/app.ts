import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import type { ApiKeyGrant, ApiScope } from '../contracts/api/api-keys';
import { AnnotateLeadRequestSchema, AnnotationsQuerySchema, SaveViewRequestSchema, ViewIdSchema } from '../contracts/api/dashboard';
import { LeadIdSchema } from '../contracts/api/leads';
import { type Retention, type Site, SiteIdSchema } from '../contracts/deployment-config';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { findRoute, type Route } from '../contracts/routes';
import { pathParametersOf } from '../contracts/routes/route';
import { KeyIdSchema } from '../contracts/api/api-keys';
import { AnnotationStore } from '../adapters/dynamodb/annotation-store';
import { ApiKeyStore } from '../adapters/dynamodb/api-key-store';
import { AuditLog } from '../adapters/dynamodb/audit-log';
import { LeadStore } from '../adapters/dynamodb/lead-store';
import { SessionStore } from '../adapters/dynamodb/session-store';
import { ViewStore } from '../adapters/dynamodb/view-store';
import type { IdentityProvider } from '../adapters/identity/identity-provider';
import type { Infrastructure } from '../adapters/infrastructure';
import { allows } from '../domain/api-keys';
import { forbidden, HttpError, httpErrorBoundary, json, jsonBody, noContent, notFound, parseWith } from '../platform/http';
import { createLogger, type Logger } from '../platform/logger';
import { grantOf } from '../platform/api-key-grant';
import { ASSET_CACHE_CONTROL } from './headers';
import { ApiKeyOperations } from './api-keys';
import { type DashboardAssets, loadAssets } from './assets';
import { markdownToHtml } from './markdown';
import { appShell, privacyRecordPage } from './pages';
import { page, redirect, SignIn } from './sign-in';

// The dashboard: its pages and sign-in (public routes, see routes/dashboard.ts) and the small API it adds behind
// the authoriser (who am I, saved views, tags and assignment). Lead data comes from the leads API's own routes.

export interface DashboardDependencies {
  readonly assets: DashboardAssets;
  readonly identity: IdentityProvider;
  readonly sessions: SessionStore;
  readonly views: ViewStore;
  readonly annotations: AnnotationStore;
  readonly leads: Pick<LeadStore, 'getLead'>;
  readonly apiKeys: Pick<ApiKeyStore, 'create' | 'list' | 'revoke'>;
  readonly audit: AuditLog;
  readonly sites: readonly Site[];
  readonly retention: Retention;
  readonly logger: Logger;
}

export function dashboardDependencies(
  environment: FunctionEnvironment<'dashboard'>,
  infrastructure: Pick<Infrastructure, 'documentClient'>,
  identity: IdentityProvider,
): DashboardDependencies {
  const { documentClient: doc } = infrastructure;
  const { TABLE_NAME: tableName, RETENTION: retention } = environment;
  return {
    assets: loadAssets(environment.DASHBOARD_DIR),
    identity,
    sessions: new SessionStore(doc, tableName),
    views: new ViewStore(doc, tableName, retention.viewDays),
    annotations: new AnnotationStore(doc, tableName, retention.leadDays),
    leads: new LeadStore(doc, tableName, retention),
    apiKeys: new ApiKeyStore(doc, tableName),
    audit: new AuditLog(doc, tableName, retention.auditDays),
    sites: environment.SITES,
    retention,
    logger: createLogger(FUNCTIONS.dashboard.serviceName),
  };
}

type DashboardRoute = Extract<Route, { function: 'dashboard' }>;
type KeyedRoute = Extract<DashboardRoute, { auth: { type: 'apiKey' } }>;
type PageRoute = Exclude<DashboardRoute, KeyedRoute>;
const isDashboardRoute = (route: Route | undefined): route is DashboardRoute => route?.function === 'dashboard';
const isKeyed = (route: DashboardRoute): route is KeyedRoute => route.auth.type === 'apiKey';

const PATH_PARAMETERS: Record<string, z.ZodType<string>> = {
  siteId: SiteIdSchema,
  leadId: LeadIdSchema,
  viewId: ViewIdSchema,
  keyId: KeyIdSchema,
  asset: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
};

interface KeyedRequest {
  readonly event: APIGatewayProxyEvent;
  readonly parameters: Record<string, string>;
  readonly siteId: string;
  readonly grant: ApiKeyGrant;
}

function requireScope(grant: ApiKeyGrant, siteId: string, scope: ApiScope): void {
  if (!allows(grant, siteId, scope)) throw forbidden('Forbidden', `This sign-in may not ${scope} on site ${siteId}`);
}

export function createHandler(dependencies: DashboardDependencies) {
  const { assets, sessions, views, annotations, leads, audit, sites, retention, logger } = dependencies;
  const signIn = new SignIn(dependencies.identity, sessions, assets.manifest, logger);
  const shell = appShell(assets.manifest);
  const apiKeyOperations = new ApiKeyOperations(dependencies.apiKeys, audit, sites);
  const recordHtml = markdownToHtml(assets.privacyReport ?? '# Record of processing\n\nNot built: run `npm run build:dashboard`.');

  const pages: Record<PageRoute['operationId'], (event: APIGatewayProxyEvent, parameters: Record<string, string>) => Promise<APIGatewayProxyResult>> = {
    dashboardApp: async (event) => ((await signIn.sessionOf(event)) ? page(200, shell) : redirect('sign-in')),
    dashboardAsset: async (_event, { asset: name = '' }) => {
      const asset = assets.get(name);
      if (!asset) throw notFound(`No asset ${name}`);
      return {
        statusCode: 200,
        headers: { 'Content-Type': asset.contentType, 'Cache-Control': ASSET_CACHE_CONTROL, 'X-Content-Type-Options': 'nosniff', 'Cross-Origin-Resource-Policy': 'same-origin' },
        body: asset.body,
      };
    },
    // Every role holds leads:read; the check names the scope so that a narrower role added later is refused here.
    privacyRecordPage: async (event) => {
      const session = await signIn.sessionOf(event);
      if (!session) return redirect('sign-in');
      if (!session.scopes.includes('leads:read')) throw forbidden('Forbidden', 'This sign-in may not read the record of processing');
      return page(200, privacyRecordPage(assets.manifest, recordHtml));
    },
    signInPage: (event) => signIn.showPage(event),
    signIn: (event) => signIn.post(event),
    signOut: (event) => signIn.signOut(event),
  };

  const keyed: Record<KeyedRoute['operationId'], (request: KeyedRequest) => Promise<APIGatewayProxyResult>> = {
    getSession: async ({ event, grant }) => {
      const context = event.requestContext.authorizer ?? {};
      const role = typeof context.role === 'string' && context.role !== '' ? context.role : undefined;
      return json(200, {
        principal: grant.keyId,
        kind: role ? 'user' : 'apiKey',
        ...(role ? { role } : {}),
        sites: grant.sites,
        scopes: grant.scopes,
        knownSites: sites.map((site) => site.siteId).filter((siteId) => allows(grant, siteId, 'leads:read')),
        localOnly: context.localOnly === 'true',
        retention: { visitDays: retention.visitDays, leadDays: retention.leadDays },
      });
    },

    listViews: async ({ siteId, grant }) => {
      const items = await views.list(siteId, grant.keyId);
      await audit.record({ keyId: grant.keyId, action: 'views.list', siteId });
      return json(200, { items });
    },

    saveView: async ({ event, siteId, grant }) => {
      const request = parseWith(SaveViewRequestSchema, jsonBody(event));
      if (request.shared) requireScope(grant, siteId, 'views:share');
      const view = await views.save(siteId, grant.keyId, request);
      if (view === 'full') throw new HttpError(409, 'Conflict', `Site ${siteId} keeps the most views it may; delete some first`);
      await audit.record({ keyId: grant.keyId, action: 'view.save', siteId, target: view.viewId });
      return json(201, view);
    },

    deleteView: async ({ siteId, grant, parameters }) => {
      const viewId = parameters.viewId ?? '';
      if (!(await views.delete(siteId, grant.keyId, viewId))) throw notFound(`You saved no view ${viewId} on site ${siteId}`);
      await audit.record({ keyId: grant.keyId, action: 'view.delete', siteId, target: viewId });
      return noContent();
    },

    listAnnotations: async ({ event, siteId, grant }) => {
      const { leadIds } = parseWith(AnnotationsQuerySchema, event.queryStringParameters ?? {});
      const items = await annotations.forLeads(siteId, leadIds);
      await audit.record({ keyId: grant.keyId, action: 'annotations.read', siteId });
      return json(200, { items });
    },

    annotateLead: async ({ event, siteId, grant, parameters }) => {
      const leadId = parameters.leadId ?? '';
      const request = parseWith(AnnotateLeadRequestSchema, jsonBody(event));
      if (!(await leads.getLead(siteId, leadId))) throw notFound(`No lead ${leadId} on site ${siteId}`);
      const annotation = await annotations.set(siteId, leadId, request.tags, request.assignedToMe ? grant.keyId : undefined);
      await audit.record({ keyId: grant.keyId, action: 'lead.annotate', siteId, target: leadId });
      return json(200, annotation);
    },

    listApiKeys: ({ grant }) => apiKeyOperations.list(grant),
    createApiKey: ({ event, grant }) => apiKeyOperations.create(grant, jsonBody(event)),
    revokeApiKey: ({ grant, parameters }) => apiKeyOperations.revoke(grant, parameters.keyId ?? ''),
  };

  async function dispatch(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const route = findRoute(event.httpMethod, event.resource);
    if (!isDashboardRoute(route)) throw new HttpError(404, 'NotFound', `No route ${event.httpMethod} ${event.resource}`);
    const names = pathParametersOf(route.path);
    const parameters = parseWith(
      z.object(Object.fromEntries(names.map((name) => [name, PATH_PARAMETERS[name] ?? z.string()]))),
      event.pathParameters ?? {},
    ) as Record<string, string>;
    if (!isKeyed(route)) return pages[route.operationId](event, parameters);
    const grant = grantOf(event);
    const siteId = parameters.siteId;
    if (siteId === undefined) {
      // Routes without a site: any valid grant may ask who it is; the others need their scope on some site.
      if (route.operationId !== 'getSession' && !grant.scopes.includes(route.auth.scope)) {
        throw forbidden('Forbidden', `This sign-in may not ${route.auth.scope}`);
      }
      return keyed[route.operationId]({ event, parameters, siteId: '', grant });
    }
    requireScope(grant, siteId, route.auth.scope);
    if (!sites.some((site) => site.siteId === siteId)) throw forbidden('Forbidden', `No site ${siteId} in this deployment`);
    return keyed[route.operationId]({ event, parameters, siteId, grant });
  }

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(dispatch).use(injectLambdaContext(logger)).use(httpErrorBoundary(logger));
}
