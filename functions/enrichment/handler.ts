import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoDbDocumentClient } from '../adapters/aws-clients';
import { IpOverridesSchema, parseJsonEnv, RetentionSchema, SitesSchema } from '../contracts/deployment-config';
import { requireEnv } from '../platform/env';
import { FormDomainFilter } from '../domain/form-domain';
import { loadIpIntel } from '../domain/ip-intel';
import { IpOverrideRules } from '../domain/ip-overrides';
import { BatchEnricher } from './enrich-batch';
import { LeadStore } from '../adapters/dynamodb/lead-store';
import { logger } from '../platform/logger';
import { SiteRegistry } from '../domain/sites';

// Where a page view is enriched: truncated network → organisation → lead, a whole SQS batch at a time.

const ipDataDir = requireEnv('IP_DATA_DIR');
const metrics = new Metrics({ namespace: 'Eirlead' });
const enricher = new BatchEnricher({
  sites: new SiteRegistry(parseJsonEnv('SITES', process.env.SITES, SitesSchema)),
  identifyContext: {
    ipIntel: loadIpIntel(ipDataDir),
    formDomains: new FormDomainFilter(ipDataDir),
    overrides: new IpOverrideRules(parseJsonEnv('IP_OVERRIDES', process.env.IP_OVERRIDES, IpOverridesSchema)),
  },
  leads: new LeadStore(dynamoDbDocumentClient(), requireEnv('TABLE_NAME'), parseJsonEnv('RETENTION', process.env.RETENTION, RetentionSchema)),
});

async function enrich(event: SQSEvent): Promise<SQSBatchResponse> {
  const outcome = await enricher.enrich(event.Records);
  metrics.addMetric('RecordedEvents', MetricUnit.Count, outcome.recorded);
  metrics.addMetric('DuplicateEvents', MetricUnit.Count, outcome.duplicates);
  for (const [reason, events] of Object.entries(outcome.dropped)) {
    metrics.singleMetric().addDimension('reason', reason).addMetric('DroppedEvents', MetricUnit.Count, events);
  }
  for (const lead of outcome.leads) logger.debug('Recorded requests', { leadId: lead.leadId, correlationIds: lead.correlationIds, ...lead.outcome });
  if (Object.keys(outcome.dropped).length > 0) logger.debug('Dropped events', { dropped: outcome.dropped });
  // A malformed message fails only its own record and ends in the DLQ after the receive limit.
  for (const messageId of outcome.malformed) logger.error('Malformed queued request', { messageId });
  for (const failure of outcome.errors) logger.error('Could not record requests', { messageIds: failure.messageIds, error: failure.error as Error });
  return { batchItemFailures: outcome.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = middy<SQSEvent, SQSBatchResponse>(enrich)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
