import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { IpOverridesSchema, parseJsonEnv, RetentionSchema, SitesSchema } from '../contracts/deployment-config';
import { requireEnv } from '../platform/env';
import { badRequest, forbidden, header, httpErrorBoundary, json, noContent } from '../platform/http';
import { isLikelyBot, parseIngestRequest, requireSiteUrls, visitorIp } from './parse-request';
import { IpOverrideRules } from '../domain/ip-overrides';
import { keyServiceFromEnv } from '../adapters/kms/key-service';
import { logger } from '../platform/logger';
import { DailySaltStore } from '../adapters/dynamodb/daily-salt-store';
import { truncateIp } from '../domain/privacy/network';
import { visitorPseudonym } from '../domain/privacy/pseudonym';
import type { QueuedRequest } from '../contracts/queue-message';
import { SiteRegistry } from '../domain/sites';
import { dynamoDbDocumentClient, sqsClient } from '../adapters/aws-clients';

// Where a page view enters: POST /v1/events → validate → minimise the IP → queue for enrichment.

const sites = new SiteRegistry(parseJsonEnv('SITES', process.env.SITES, SitesSchema));
const retention = parseJsonEnv('RETENTION', process.env.RETENTION, RetentionSchema);
const overrides = new IpOverrideRules(parseJsonEnv('IP_OVERRIDES', process.env.IP_OVERRIDES, IpOverridesSchema));
const metrics = new Metrics({ namespace: 'Eirlead' });
const queueUrl = requireEnv('QUEUE_URL');
const trustForwardedFor = process.env.TRUST_FORWARDED_FOR === '1';
const sqs = sqsClient();
const salts = new DailySaltStore(
  dynamoDbDocumentClient(),
  requireEnv('TABLE_NAME'),
  keyServiceFromEnv(),
  retention.saltHours,
);

/** CORS answers only origins that some configured site allows. */
function corsHeaders(event: APIGatewayProxyEvent): Record<string, string> {
  const origin = header(event, 'origin');
  if (!origin || !sites.isOriginAllowedForAnySite(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

function preflight(event: APIGatewayProxyEvent): APIGatewayProxyResult {
  const cors = corsHeaders(event);
  if (!cors['Access-Control-Allow-Origin']) throw forbidden('OriginNotAllowed', 'Origin is not allowed');
  return noContent({
    ...cors,
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': '86400',
  });
}

async function ingest(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (event.httpMethod === 'OPTIONS') return preflight(event);
  const correlationId = event.requestContext?.requestId;
  if (correlationId) logger.appendKeys({ correlationId });
  const now = new Date();
  const request = parseIngestRequest(event, now);
  const site = sites.find(request.siteId);
  if (!site) throw forbidden('UnknownSite', `Unknown site: ${request.siteId}`);
  const origin = header(event, 'origin');
  // Browsers always send Origin on these requests; server-side clients send none and are not browsers to protect.
  if (origin !== undefined && !sites.isOriginAllowed(site, origin)) {
    throw forbidden('OriginNotAllowed', `Origin is not allowed for site ${site.siteId}`);
  }
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
  const ip = visitorIp(event, trustForwardedFor);
  if (overrides.isIgnored(ip)) return drop('ignored-network');

  const network = truncateIp(ip);
  if (!network) throw badRequest('The visitor address is not an IP address', [{ path: 'X-Forwarded-For', message: 'not an IP address' }]);
  const salt = await salts.saltFor(now);
  const message: QueuedRequest = {
    version: 1,
    siteId: site.siteId,
    receivedAt: now.toISOString(),
    network,
    visitorId: visitorPseudonym(salt, ip, userAgent, site.siteId),
    ...(correlationId ? { correlationId } : {}),
    events: request.events,
  };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
  logger.debug('Queued request', { siteId: site.siteId, events: request.events.length });
  return json(202, { accepted: request.events.length }, cors);
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(ingest)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpErrorBoundary(corsHeaders));
