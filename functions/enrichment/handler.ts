import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { IpOverridesSchema, parseJsonEnv, RetentionSchema, SitesSchema } from '../shared/config';
import { requireEnv } from '../shared/env';
import { FormDomainFilter } from '../shared/form-domain';
import { loadIpIntel } from '../shared/ip-intel';
import { IpOverrideRules } from '../shared/ip-overrides';
import { identify } from '../shared/leads/identify';
import { LeadStore } from '../shared/leads/lead-store';
import { logger } from '../shared/logger';
import { QueuedRequestSchema } from '../shared/queue-message';
import { SiteRegistry } from '../shared/sites';
import { dynamoDbDocumentClient } from '../shared/aws-clients';

// Where a page view is enriched: truncated network → organisation → lead, one queued request per record.

const retention = parseJsonEnv('RETENTION', process.env.RETENTION, RetentionSchema);
const ipDataDir = requireEnv('IP_DATA_DIR');
const ipIntel = loadIpIntel(ipDataDir);
const formDomains = new FormDomainFilter(ipDataDir);
const overrides = new IpOverrideRules(parseJsonEnv('IP_OVERRIDES', process.env.IP_OVERRIDES, IpOverridesSchema));
const sites = new SiteRegistry(parseJsonEnv('SITES', process.env.SITES, SitesSchema));
const leads = new LeadStore(
  dynamoDbDocumentClient(),
  requireEnv('TABLE_NAME'),
  retention,
);
const processor = new BatchProcessor(EventType.SQS);

async function enrichRecord(record: SQSRecord): Promise<void> {
  // A malformed message throws here, fails only its own record and ends in the DLQ after the receive limit.
  const message = QueuedRequestSchema.parse(JSON.parse(record.body));
  const site = sites.find(message.siteId);
  if (!site) {
    // The site was removed from the configuration after the request was accepted: nothing to attribute it to.
    logger.warn('Dropped request', { reason: 'site-removed', siteId: message.siteId, events: message.events.length });
    return;
  }
  const identified = identify({ ipIntel, overrides, formDomains, leadClasses: site.leadClasses }, site.siteId, message.network, message.events);
  if (identified.kind === 'dropped') {
    logger.info('Dropped request', { reason: identified.reason, siteId: message.siteId, events: message.events.length });
    return;
  }
  const outcome = await leads.recordRequest(identified.lead, message.visitorId, message.events);
  logger.info('Recorded request', { siteId: message.siteId, leadId: identified.lead.leadId, ...outcome });
}

export const handler = middy<SQSEvent, SQSBatchResponse>(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, enrichRecord, processor, { context }),
).use(injectLambdaContext(logger));
