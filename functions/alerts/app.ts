import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { AlertClaims, LeadActivityStore } from '../adapters/dynamodb/alert-claims';
import { AlertConfigStore } from '../adapters/dynamodb/alert-config-store';
import { CrmLinkStore } from '../adapters/dynamodb/crm-links';
import { DeliveryLog } from '../adapters/dynamodb/delivery-log';
import { HiddenOrganisationStore } from '../adapters/dynamodb/hidden-organisations';
import type { Infrastructure } from '../adapters/infrastructure';
import { DeliveryQueue } from '../adapters/sqs/delivery-queue';
import { createLogger, type Logger } from '../platform/logger';
import { createMetrics, type Metrics, MetricUnit } from '../platform/metrics';
import { LeadChangeEvaluator } from './evaluate-batch';

// Where alert rules meet lead changes: the table's stream (lead items only) → claims → the delivery queue. It runs
// beside enrichment, never in its way: enrichment's write is done before this function sees it.

export interface AlertsDependencies {
  readonly evaluator: LeadChangeEvaluator;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function alertsDependencies(environment: FunctionEnvironment<'alerts'>, infrastructure: Pick<Infrastructure, 'documentClient' | 'sqs'>): AlertsDependencies {
  const { documentClient: doc } = infrastructure;
  const tableName = environment.TABLE_NAME;
  const clock = () => new Date();
  const crmLinks = new CrmLinkStore(doc, tableName, clock);
  return {
    evaluator: new LeadChangeEvaluator({
      config: new AlertConfigStore(doc, tableName, clock),
      hidden: new HiddenOrganisationStore(doc, tableName, environment.RETENTION.hiddenOrganisationDays),
      claims: new AlertClaims(doc, tableName),
      activity: new LeadActivityStore(doc, tableName),
      deliveries: new DeliveryLog(doc, tableName, environment.ALERTS.deliveryLogDays, clock),
      queue: new DeliveryQueue(infrastructure.sqs, environment.DELIVERY_QUEUE_URL),
      crmStatus: async (siteId, leadId) => (await crmLinks.forLead(siteId, leadId))?.status ?? 'unknown',
      apiBaseUrl: environment.API_BASE_URL,
      clock,
    }),
    logger: createLogger(FUNCTIONS.alerts.serviceName),
    metrics: createMetrics(FUNCTIONS.alerts.serviceName),
  };
}

export function createHandler({ evaluator, logger, metrics }: AlertsDependencies) {
  async function evaluate(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const outcome = await evaluator.evaluate(event.Records);
    metrics.addMetric('LeadChangesEvaluated', MetricUnit.Count, outcome.changes);
    metrics.addMetric('AlertsFired', MetricUnit.Count, outcome.fired);
    metrics.addMetric('AlertDeliveriesQueued', MetricUnit.Count, outcome.deliveries);
    if (outcome.failedSequenceNumber === undefined) return { batchItemFailures: [] };
    logger.error('Could not evaluate a lead change; the stream retries from it', { sequenceNumber: outcome.failedSequenceNumber, error: outcome.error as Error });
    return { batchItemFailures: [{ itemIdentifier: outcome.failedSequenceNumber }] };
  }

  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>(evaluate)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
