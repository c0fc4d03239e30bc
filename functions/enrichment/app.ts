import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import type { Infrastructure } from '../adapters/infrastructure';
import { FormDomainQuota } from '../adapters/dynamodb/form-domain-quota';
import { HiddenOrganisationStore } from '../adapters/dynamodb/hidden-organisations';
import { LeadStore } from '../adapters/dynamodb/lead-store';
import { FormDomainFilter } from '../domain/form-domain';
import { loadIpIntel } from '../domain/ip-intel';
import { IpOverrideRules } from '../domain/ip-overrides';
import { SiteRegistry } from '../domain/sites';
import { createLogger, type Logger } from '../platform/logger';
import { createMetrics, type Metrics, MetricUnit } from '../platform/metrics';
import { BatchEnricher } from './enrich-batch';

// Where a page view is enriched: truncated network → organisation → lead, a whole SQS batch at a time.

export interface EnrichmentDependencies {
  readonly enricher: BatchEnricher;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function enrichmentDependencies(environment: FunctionEnvironment<'enrichment'>, infrastructure: Pick<Infrastructure, 'documentClient'>): EnrichmentDependencies {
  const { serviceName } = FUNCTIONS.enrichment;
  const ipDataDir = environment.IP_DATA_DIR;
  return {
    enricher: new BatchEnricher({
      sites: new SiteRegistry(environment.SITES),
      identifyContext: {
        ipIntel: loadIpIntel(ipDataDir),
        formDomains: new FormDomainFilter(ipDataDir),
        overrides: new IpOverrideRules(environment.IP_OVERRIDES),
      },
      leads: new LeadStore(infrastructure.documentClient, environment.TABLE_NAME, environment.RETENTION, () => new Date(), environment.LIMITS),
      hidden: new HiddenOrganisationStore(infrastructure.documentClient, environment.TABLE_NAME, environment.RETENTION.hiddenOrganisationDays),
      formDomainQuota: new FormDomainQuota(infrastructure.documentClient, environment.TABLE_NAME, environment.LIMITS.formDomainsPerNetworkPerDay),
    }),
    logger: createLogger(serviceName),
    metrics: createMetrics(serviceName),
  };
}

export function createHandler({ enricher, logger, metrics }: EnrichmentDependencies) {
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

  return middy<SQSEvent, SQSBatchResponse>(enrich)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
