import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { ConnectionPathSchema } from '../contracts/api/crm';
import { LeadIdSchema } from '../contracts/api/leads';
import { SiteIdSchema } from '../contracts/deployment-config';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { KEY_PURPOSES } from '../contracts/names';
import { findRoute, type Route } from '../contracts/routes';
import { pathParametersOf } from '../contracts/routes/route';
import { CrmPusher } from '../adapters/crm/pusher';
import { CrmSessions } from '../adapters/crm/sessions';
import { AuditLog } from '../adapters/dynamodb/audit-log';
import { CrmConnectionStore } from '../adapters/dynamodb/crm-connections';
import { CrmCopyStore } from '../adapters/dynamodb/crm-copy';
import { CrmErasure } from '../adapters/dynamodb/crm-erasure';
import { ConnectionGoneError } from '../adapters/dynamodb/crm-guard';
import { CrmLinkStore } from '../adapters/dynamodb/crm-links';
import { LeadStore } from '../adapters/dynamodb/lead-store';
import type { Infrastructure } from '../adapters/infrastructure';
import { SecretBox } from '../adapters/kms/secret-box';
import { CrmError } from '../domain/crm/connector';
import { CrmJobQueue } from '../adapters/sqs/crm-jobs';
import { HttpError, httpErrorBoundary, jsonBody, parseWith } from '../platform/http';
import { createLogger } from '../platform/logger';
import { crmHttpError } from './crm-errors';
import { grantOf, requireScope } from './grants';
import { type CrmApiDependencies, crmOperations, type CrmOperationId } from './operations';

// The CRM integration's API (docs/crm.md), behind the API-key authoriser: connections, sync now and status, pushes,
// and links of leads to CRM accounts. Privileged acts are written to the audit trail; credentials never leave.

/** How long a request of the API may wait for a CRM's 429 to pass: API Gateway gives the whole request 29 s. */
const API_MAX_CRM_WAIT_MS = 5_000;

export function crmApiDependencies(
  environment: FunctionEnvironment<'crmApi'>,
  infrastructure: Pick<Infrastructure, 'documentClient' | 'keyService' | 'sqs'>,
  options: { readonly allowLoopback?: boolean } = {},
): CrmApiDependencies {
  const { documentClient: doc } = infrastructure;
  const { TABLE_NAME: tableName, RETENTION: retention, CRM: runtime } = environment;
  const links = new CrmLinkStore(doc, tableName);
  const leads = new LeadStore(doc, tableName, retention);
  const context = { endpoints: runtime.endpoints, policy: { allowLoopback: options.allowLoopback ?? false }, maxWaitMs: API_MAX_CRM_WAIT_MS };
  return {
    connections: new CrmConnectionStore(doc, tableName),
    copy: new CrmCopyStore(doc, tableName),
    links,
    erasure: new CrmErasure(doc, tableName),
    sessions: new CrmSessions(new SecretBox(infrastructure.keyService(environment.KEY_ID), KEY_PURPOSES.integrationSecret), context),
    pusher: new CrmPusher({ leads, links, retention, runtime }),
    leads,
    audit: new AuditLog(doc, tableName, retention.auditDays),
    jobs: new CrmJobQueue(infrastructure.sqs, environment.CRM_JOBS_QUEUE_URL),
    runtime,
    retention,
    logger: createLogger(FUNCTIONS.crmApi.serviceName),
  };
}

type CrmRoute = Extract<Route, { function: 'crmApi' }>;
const isCrmRoute = (route: Route | undefined): route is CrmRoute => route?.function === 'crmApi';

const PATH_PARAMETERS: Record<string, z.ZodType<string>> = {
  siteId: SiteIdSchema,
  leadId: LeadIdSchema,
  connectionId: ConnectionPathSchema.shape.connectionId,
};

export function createHandler(deps: CrmApiDependencies) {
  const operations = crmOperations(deps);

  async function dispatch(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const route = findRoute(event.httpMethod, event.resource);
    if (!isCrmRoute(route)) throw new HttpError(404, 'NotFound', `No route ${event.httpMethod} ${event.resource}`);
    const names = pathParametersOf(route.path);
    const parameters = parseWith(
      z.object(Object.fromEntries(names.map((name) => [name, PATH_PARAMETERS[name] ?? z.string()]))),
      event.pathParameters ?? {},
    ) as Record<string, string>;
    const siteId = parameters.siteId ?? '';
    const grant = grantOf(event);
    requireScope(grant, siteId, route.auth.scope);
    const operationId: CrmOperationId = route.operationId;
    return operations[operationId]({
      siteId,
      keyId: grant.keyId,
      connectionId: parameters.connectionId ?? '',
      leadId: parameters.leadId ?? '',
      body: () => jsonBody(event),
    });
  }

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(dispatch)
    .use(injectLambdaContext(deps.logger))
    .use(
      httpErrorBoundary(deps.logger, {
        // A disconnect that overtook this request: its writes were refused, and nothing of it stays.
        translate: (error) =>
          error instanceof ConnectionGoneError
            ? new HttpError(409, 'Conflict', 'The CRM connection was removed meanwhile')
            : error instanceof CrmError
              ? crmHttpError(error)
              : undefined,
      }),
    );
}
