import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import type { QueuedRequest } from '../contracts/queue-message';
import { DailySaltStore } from '../adapters/dynamodb/daily-salt-store';
import type { Infrastructure } from '../adapters/infrastructure';
import { EventQueue } from '../adapters/sqs/event-queue';
import { isLikelyBot } from '../domain/bots';
import { IpOverrideRules } from '../domain/ip-overrides';
import { minimiseEvent } from '../domain/privacy/minimise';
import { truncateIp } from '../domain/privacy/network';
import { visitorPseudonym } from '../domain/privacy/pseudonym';
import { SiteRegistry } from '../domain/sites';
import { INGEST_URL_ROUTES } from '../contracts/routes/events';
import { servedAtFunctionUrl } from '../platform/function-url';
import { badRequest, forbidden, header, httpErrorBoundary, json, noContent } from '../platform/http';
import { createLogger, type Logger } from '../platform/logger';
import { createMetrics, type Metrics, MetricUnit } from '../platform/metrics';
import { parseIngestRequest, requireSiteUrls, visitorIp } from './parse-request';

// Where a page view enters: POST /v1/events (API Gateway or the function URL) → validate → minimise the IP → queue.

export interface IngestDependencies {
  readonly sites: SiteRegistry;
  readonly overrides: IpOverrideRules;
  readonly salts: Pick<DailySaltStore, 'saltFor'>;
  readonly queue: Pick<EventQueue, 'send'>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Take the visitor address from the first `X-Forwarded-For` entry. Only the local runtime sets it (to play
   * visitors from many networks on one machine); a deployed function always uses API Gateway's `sourceIp`.
   * @default false
   */
  readonly trustForwardedFor?: boolean;
}

export function ingestDependencies(environment: FunctionEnvironment<'ingest'>, infrastructure: Pick<Infrastructure, 'documentClient' | 'keyService' | 'sqs'>): IngestDependencies {
  const { serviceName } = FUNCTIONS.ingest;
  const { documentClient } = infrastructure;
  return {
    sites: new SiteRegistry(environment.SITES),
    overrides: new IpOverrideRules(environment.IP_OVERRIDES),
    salts: new DailySaltStore(documentClient, environment.TABLE_NAME, infrastructure.keyService(environment.KEY_ID), environment.RETENTION.saltHours),
    queue: new EventQueue(infrastructure.sqs, environment.QUEUE_URL),
    logger: createLogger(serviceName),
    metrics: createMetrics(serviceName),
  };
}

/**
 * An unknown site and an origin the site does not allow get the same answer: anonymous callers must not learn
 * which site ids exist or which origins a site allows.
 */
const notAccepted = () => forbidden('Forbidden', 'Events for this site are not accepted from this origin');

export function createHandler(deps: IngestDependencies) {
  const { sites, logger, metrics } = deps;

  /** CORS answers only origins that some configured site allows. */
  const corsHeaders = (event: APIGatewayProxyEvent): Record<string, string> => {
    const origin = header(event, 'origin');
    if (!origin || !sites.isOriginAllowedForAnySite(origin)) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  };

  const preflight = (event: APIGatewayProxyEvent): APIGatewayProxyResult => {
    const cors = corsHeaders(event);
    if (!cors['Access-Control-Allow-Origin']) throw notAccepted();
    return noContent({
      ...cors,
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '86400',
    });
  };

  async function ingest(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    if (event.httpMethod === 'OPTIONS') return preflight(event);
    const correlationId = event.requestContext?.requestId;
    if (correlationId) logger.appendKeys({ correlationId });
    const now = new Date();
    const request = parseIngestRequest(event, now);
    const site = sites.find(request.siteId);
    if (!site) throw notAccepted();
    const origin = header(event, 'origin');
    // Browsers always send Origin on these requests; server-side clients send none and are not browsers to protect.
    if (origin !== undefined && !sites.isOriginAllowed(site, origin)) throw notAccepted();
    requireSiteUrls(request.events, site);
    const cors = corsHeaders(event);

    /** Accepted and answered, but neither queued nor stored: only counted. */
    const drop = (reason: 'bot' | 'ignored-network') => {
      metrics.singleMetric().addDimension('reason', reason).addMetric('DroppedEvents', MetricUnit.Count, request.events.length);
      logger.debug('Dropped request', { reason, siteId: site.siteId, events: request.events.length });
      return json(202, { accepted: 0 }, cors);
    };

    const userAgent = header(event, 'user-agent') ?? '';
    if (isLikelyBot(userAgent)) return drop('bot');
    const ip = visitorIp(event, deps.trustForwardedFor ?? false);
    if (deps.overrides.isIgnored(ip)) return drop('ignored-network');

    const network = truncateIp(ip);
    if (!network) throw badRequest('The visitor address is not an IP address', [{ path: 'X-Forwarded-For', message: 'not an IP address' }]);
    const salt = await deps.salts.saltFor(now);
    const message: QueuedRequest = {
      version: 2,
      siteId: site.siteId,
      receivedAt: now.toISOString(),
      network,
      visitorId: visitorPseudonym(salt, ip, userAgent, site.siteId),
      fromSiteOrigin: origin !== undefined,
      ...(correlationId ? { correlationId } : {}),
      // Minimised here, so neither the queue nor the DLQ ever holds more than the table will.
      events: request.events.map(minimiseEvent),
    };
    await deps.queue.send(message);
    logger.debug('Queued request', { siteId: site.siteId, events: request.events.length });
    return json(202, { accepted: request.events.length }, cors);
  }

  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(ingest)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrorBoundary(logger, { extraHeaders: corsHeaders }));
  // API Gateway's proxy events as they are; function URL events (payload format 2.0) adapted at this edge.
  return servedAtFunctionUrl(handler, INGEST_URL_ROUTES);
}
