import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { DeliveryIdSchema, EndpointIdSchema, RuleIdSchema } from '../contracts/api/alerts';
import { SiteIdSchema } from '../contracts/deployment-config';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { KEY_PURPOSES } from '../contracts/names';
import { findRoute, type OperationOf, type Route } from '../contracts/routes';
import { pathParametersOf } from '../contracts/routes/route';
import { AlertConfigStore } from '../adapters/dynamodb/alert-config-store';
import { AuditLog } from '../adapters/dynamodb/audit-log';
import { DeliveryLog } from '../adapters/dynamodb/delivery-log';
import type { Infrastructure } from '../adapters/infrastructure';
import { SecretBox } from '../adapters/kms/secret-box';
import type { OutboundPolicy } from '../adapters/outbound/sender';
import { DeliveryQueue } from '../adapters/sqs/delivery-queue';
import { HttpError, httpErrorBoundary, parseWith } from '../platform/http';
import { createLogger, type Logger } from '../platform/logger';
import { grantOf, requireScope } from './grants';
import { alertOperations, type AlertRequest } from './operations';

// Where alert rules and endpoints are managed, behind the API-key authoriser and the `alerts:manage` scope. Every
// change is written to the audit trail before it is answered; URLs and signing secrets are sealed under the
// project key and never shown again.

export interface AlertsApiDependencies {
  readonly config: AlertConfigStore;
  readonly deliveries: DeliveryLog;
  readonly queue: DeliveryQueue;
  readonly secrets: SecretBox;
  readonly audit: AuditLog;
  /** Where endpoint URLs may point when saved; the sender applies the same policy when it connects. */
  readonly outbound: OutboundPolicy;
  /** Whether the deployment can send e-mail (alerts.emailFrom): without it an e-mail endpoint is refused. */
  readonly emailConfigured: boolean;
  readonly apiBaseUrl: string;
  readonly clock: () => Date;
  readonly logger: Logger;
}

/** `outbound` is for the local runtime (its test receivers on 127.0.0.1); a deployed function has no such setting. */
export function alertsApiDependencies(
  environment: FunctionEnvironment<'alertsApi'>,
  infrastructure: Pick<Infrastructure, 'documentClient' | 'keyService' | 'sqs'>,
  local: { readonly outbound?: OutboundPolicy; readonly emailConfigured?: boolean } = {},
): AlertsApiDependencies {
  const { documentClient: doc } = infrastructure;
  const { TABLE_NAME: tableName, RETENTION: retention, ALERTS: alerts } = environment;
  const clock = () => new Date();
  return {
    config: new AlertConfigStore(doc, tableName, clock),
    deliveries: new DeliveryLog(doc, tableName, alerts.deliveryLogDays, clock),
    queue: new DeliveryQueue(infrastructure.sqs, environment.DELIVERY_QUEUE_URL),
    secrets: new SecretBox(infrastructure.keyService(environment.KEY_ID), KEY_PURPOSES.integrationSecret),
    audit: new AuditLog(doc, tableName, retention.auditDays, clock),
    outbound: local.outbound ?? {},
    emailConfigured: local.emailConfigured ?? alerts.emailFrom !== undefined,
    apiBaseUrl: environment.API_BASE_URL,
    clock,
    logger: createLogger(FUNCTIONS.alertsApi.serviceName),
  };
}

type AlertsRoute = Extract<Route, { function: 'alertsApi' }>;
const isAlertsRoute = (route: Route | undefined): route is AlertsRoute => route?.function === 'alertsApi';

/** The path parameters' rules, by name; checked before the key and scope, so a bad id is a 400 naming it. */
const PATH_PARAMETERS: Record<string, z.ZodType<string>> = {
  siteId: SiteIdSchema,
  ruleId: RuleIdSchema,
  endpointId: EndpointIdSchema,
  deliveryId: DeliveryIdSchema,
};

export function createHandler(deps: AlertsApiDependencies) {
  const operations: Record<OperationOf<'alertsApi'>, (request: AlertRequest) => Promise<APIGatewayProxyResult>> = alertOperations(deps);

  async function dispatch(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const route = findRoute(event.httpMethod, event.resource);
    if (!isAlertsRoute(route)) throw new HttpError(404, 'NotFound', `No route ${event.httpMethod} ${event.resource}`);
    const names = pathParametersOf(route.path);
    const parameters = parseWith(
      z.object(Object.fromEntries(names.map((name) => [name, PATH_PARAMETERS[name] ?? z.string()]))),
      event.pathParameters ?? {},
    ) as Record<string, string>;
    const siteId = parameters.siteId ?? '';
    const grant = grantOf(event);
    requireScope(grant, siteId, route.auth.scope);
    return operations[route.operationId]({ event, siteId, parameters, grant });
  }

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(dispatch).use(injectLambdaContext(deps.logger)).use(httpErrorBoundary(deps.logger));
}
