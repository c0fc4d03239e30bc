import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  type AlertEndpointRequest,
  AlertEndpointRequestSchema,
  type AlertRule,
  AlertRuleRequestSchema,
  DeliveryIdSchema,
  DeliveryQuerySchema,
  RotateSecretRequestSchema,
} from '../contracts/api/alerts';
import type { ApiKeyGrant } from '../contracts/api/api-keys';
import type { AuditAction } from '../contracts/api/privacy';
import type { OperationOf } from '../contracts/routes';
import { MAX_ENDPOINTS_PER_SITE, MAX_RULES_PER_SITE, type StoredEndpoint } from '../adapters/dynamodb/alert-config-store';
import { deliveryView } from '../adapters/dynamodb/delivery-log';
import { deliveryIdFor, newConfigId } from '../domain/alerts/ids';
import { alertEvent, exampleLead, restrictFields } from '../domain/alerts/payload';
import { badRequest, header, HttpError, json, noContent, notFound, parseWith } from '../platform/http';
import type { AlertsApiDependencies } from './app';
import { endpointView, judgeEndpointUrl, rotatedSecrets, sealEndpoint, sealSecret } from './endpoints';

/** What an alert operation is given: the event, its validated path parameters and the key's grant. */
export interface AlertRequest {
  readonly event: APIGatewayProxyEvent;
  readonly siteId: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly grant: ApiKeyGrant;
}

type Operation = (request: AlertRequest) => Promise<APIGatewayProxyResult>;

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

const conflict = (message: string) => new HttpError(409, 'Conflict', message);

export function alertOperations(deps: AlertsApiDependencies): Record<OperationOf<'alertsApi'>, Operation> {
  const { config, deliveries, queue, secrets, audit, clock } = deps;
  const record = (grant: ApiKeyGrant, action: AuditAction, siteId: string, target: string) => audit.record({ keyId: grant.keyId, action, siteId, target });

  /** A rule names only endpoints of its own site; a missing one is a 400 naming its place in the list. */
  async function checkedRule(siteId: string, body: unknown) {
    const request = parseWith(AlertRuleRequestSchema, body);
    const { endpoints } = await config.siteConfig(siteId);
    const known = new Set(endpoints.map((endpoint) => endpoint.endpointId));
    const issues = request.endpointIds.flatMap((id, index) => (known.has(id) ? [] : [{ path: `endpointIds.${index}`, message: `no endpoint ${id} on site ${siteId}` }]));
    if (issues.length > 0) throw badRequest(`Invalid ${issues[0]?.path}: ${issues[0]?.message}`, issues);
    return request;
  }

  /** The endpoint as it will be stored: its URL judged (SSRF rules, the kind's host) and sealed with its secret. */
  async function storedEndpoint(siteId: string, endpointId: string, request: AlertEndpointRequest, times: { createdAt: string; updatedAt: string }): Promise<StoredEndpoint> {
    if (request.kind === 'email' && !deps.emailConfigured) {
      throw badRequest('Invalid kind: e-mail needs the deployment setting alerts.emailFrom (a verified SES identity)', [
        { path: 'kind', message: 'e-mail is not configured for this deployment (alerts.emailFrom)' },
      ]);
    }
    const url = request.kind === 'email' ? undefined : await judgeEndpointUrl(request.kind, request.url, deps.outbound);
    return sealEndpoint(secrets, siteId, endpointId, request, url, times);
  }

  async function existingEndpoint(siteId: string, endpointId: string): Promise<StoredEndpoint> {
    const endpoint = await config.getEndpoint(siteId, endpointId);
    if (!endpoint) throw notFound(`No alert endpoint ${endpointId} on site ${siteId}`);
    return endpoint;
  }

  return {
    createAlertRule: async ({ event, siteId, grant }) => {
      const request = await checkedRule(siteId, jsonBody(event));
      const { rules } = await config.siteConfig(siteId);
      if (rules.length >= MAX_RULES_PER_SITE) throw conflict(`Site ${siteId} has ${MAX_RULES_PER_SITE} alert rules, the most it may; delete one first`);
      const now = clock().toISOString();
      const rule: AlertRule = { ...request, ruleId: newConfigId(), createdAt: now, updatedAt: now };
      await record(grant, 'alert-rule.create', siteId, rule.ruleId);
      await config.putRule(siteId, rule, false);
      return json(201, rule);
    },

    listAlertRules: async ({ siteId }) => json(200, { items: (await config.siteConfig(siteId)).rules }),

    updateAlertRule: async ({ event, siteId, parameters, grant }) => {
      const ruleId = parameters.ruleId ?? '';
      const request = await checkedRule(siteId, jsonBody(event));
      const current = (await config.siteConfig(siteId)).rules.find((rule) => rule.ruleId === ruleId);
      if (!current) throw notFound(`No alert rule ${ruleId} on site ${siteId}`);
      const rule: AlertRule = { ...request, ruleId, createdAt: current.createdAt, updatedAt: clock().toISOString() };
      await record(grant, 'alert-rule.update', siteId, ruleId);
      if (!(await config.putRule(siteId, rule, true))) throw notFound(`No alert rule ${ruleId} on site ${siteId}`);
      return json(200, rule);
    },

    deleteAlertRule: async ({ siteId, parameters, grant }) => {
      const ruleId = parameters.ruleId ?? '';
      await record(grant, 'alert-rule.delete', siteId, ruleId);
      if (!(await config.deleteRule(siteId, ruleId))) throw notFound(`No alert rule ${ruleId} on site ${siteId}`);
      return noContent();
    },

    // An example organisation, never a real lead: a test says what the endpoint will receive, and sends no one's data.
    testAlertRule: async ({ siteId, parameters, grant }) => {
      const ruleId = parameters.ruleId ?? '';
      const { rules, endpoints } = await config.siteConfig(siteId);
      const rule = rules.find((candidate) => candidate.ruleId === ruleId);
      if (!rule) throw notFound(`No alert rule ${ruleId} on site ${siteId}`);
      await record(grant, 'alert-rule.test', siteId, ruleId);
      const now = clock();
      const lead = exampleLead(siteId, now);
      const queued: Array<{ endpointId: string; deliveryId: string }> = [];
      for (const endpoint of endpoints.filter((candidate) => rule.endpointIds.includes(candidate.endpointId) && candidate.status === 'active')) {
        const event = restrictFields(alertEvent('alert.test', rule, rule.trigger, { lead, triggerPaths: lead.lastPaths ?? [], returning: false }, deps.apiBaseUrl, now), endpoint.fields);
        const deliveryId = deliveryIdFor(now.getTime(), 'test', ruleId, endpoint.endpointId, newConfigId());
        await deliveries.create({ deliveryId, siteId, endpointId: endpoint.endpointId, ruleId, eventType: event.type, body: JSON.stringify(event), createdAt: now.toISOString() });
        queued.push({ endpointId: endpoint.endpointId, deliveryId });
      }
      await queue.send(queued.map(({ endpointId, deliveryId }) => ({ siteId, endpointId, deliveryId })));
      return json(202, { deliveries: queued });
    },

    createAlertEndpoint: async ({ event, siteId, grant }) => {
      const request = parseWith(AlertEndpointRequestSchema, jsonBody(event));
      const { endpoints } = await config.siteConfig(siteId);
      if (endpoints.length >= MAX_ENDPOINTS_PER_SITE) throw conflict(`Site ${siteId} has ${MAX_ENDPOINTS_PER_SITE} alert endpoints, the most it may; delete one first`);
      const now = clock().toISOString();
      const endpointId = newConfigId();
      const stored = await storedEndpoint(siteId, endpointId, request, { createdAt: now, updatedAt: now });
      await record(grant, 'alert-endpoint.create', siteId, endpointId);
      await config.putEndpoint(siteId, stored, false);
      return json(201, endpointView(stored, clock()));
    },

    listAlertEndpoints: async ({ siteId }) => json(200, { items: (await config.siteConfig(siteId)).endpoints.map((endpoint) => endpointView(endpoint, clock())) }),

    // Saving an endpoint again enables it (after a 410 disabled it) and replaces its URL and secret.
    updateAlertEndpoint: async ({ event, siteId, parameters, grant }) => {
      const endpointId = parameters.endpointId ?? '';
      const request = parseWith(AlertEndpointRequestSchema, jsonBody(event));
      const current = await existingEndpoint(siteId, endpointId);
      const stored = await storedEndpoint(siteId, endpointId, request, { createdAt: current.createdAt, updatedAt: clock().toISOString() });
      await record(grant, 'alert-endpoint.update', siteId, endpointId);
      if (!(await config.putEndpoint(siteId, stored, true))) throw notFound(`No alert endpoint ${endpointId} on site ${siteId}`);
      return json(200, endpointView(stored, clock()));
    },

    deleteAlertEndpoint: async ({ siteId, parameters, grant }) => {
      const endpointId = parameters.endpointId ?? '';
      const users = (await config.siteConfig(siteId)).rules.filter((rule) => rule.endpointIds.includes(endpointId));
      if (users.length > 0) throw conflict(`Rules ${users.map((rule) => rule.ruleId).join(', ')} still send to endpoint ${endpointId}; change or delete them first`);
      await record(grant, 'alert-endpoint.delete', siteId, endpointId);
      if (!(await config.deleteEndpoint(siteId, endpointId))) throw notFound(`No alert endpoint ${endpointId} on site ${siteId}`);
      return noContent();
    },

    rotateAlertEndpointSecret: async ({ event, siteId, parameters, grant }) => {
      const endpointId = parameters.endpointId ?? '';
      const request = parseWith(RotateSecretRequestSchema, jsonBody(event));
      const current = await existingEndpoint(siteId, endpointId);
      if (current.kind !== 'webhook') throw notFound(`Endpoint ${endpointId} is not a signed webhook`);
      const now = clock();
      const fresh = await sealSecret(secrets, siteId, endpointId, request.secret);
      const stored: StoredEndpoint = { ...current, secrets: rotatedSecrets(current.secrets ?? [], fresh, request.keepPreviousHours, now), updatedAt: now.toISOString() };
      await record(grant, 'alert-endpoint.rotate-secret', siteId, endpointId);
      if (!(await config.putEndpoint(siteId, stored, true))) throw notFound(`No alert endpoint ${endpointId} on site ${siteId}`);
      return json(200, endpointView(stored, now));
    },

    // The cursor is the last delivery id shown: it only positions the query inside this endpoint's own log.
    listAlertDeliveries: async ({ event, siteId, parameters }) => {
      const endpointId = parameters.endpointId ?? '';
      const query = parseWith(DeliveryQuerySchema, event.queryStringParameters ?? {});
      const after = query.cursor === undefined ? undefined : parseWith(DeliveryIdSchema, query.cursor, 'cursor');
      await existingEndpoint(siteId, endpointId);
      const page = await deliveries.list(siteId, endpointId, query.limit, after);
      return json(200, { items: page.items.map(deliveryView), nextCursor: page.last ?? null });
    },

    replayAlertDelivery: async ({ siteId, parameters, grant }) => {
      const { endpointId = '', deliveryId = '' } = parameters;
      const endpoint = await existingEndpoint(siteId, endpointId);
      if (endpoint.status !== 'active') throw conflict(`Endpoint ${endpointId} is disabled (${endpoint.disabledReason ?? 'by its owner'}); save it again to enable it`);
      await record(grant, 'alert-delivery.replay', siteId, deliveryId);
      const reopened = await deliveries.reopen(siteId, endpointId, deliveryId);
      if (!reopened) throw notFound(`No delivery ${deliveryId} for endpoint ${endpointId}`);
      if (reopened === 'pending') throw conflict(`Delivery ${deliveryId} is still being tried`);
      await queue.send([{ siteId, endpointId, deliveryId }]);
      return json(202, deliveryView(reopened));
    },
  };
}
