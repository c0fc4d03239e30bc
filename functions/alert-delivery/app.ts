import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DigestRunSchema, type DigestRun } from '../contracts/alert-message';
import { FUNCTIONS, type FunctionEnvironment } from '../contracts/functions';
import { KEY_PURPOSES } from '../contracts/names';
import { sesClient } from '../adapters/aws-clients/ses';
import { AlertConfigStore } from '../adapters/dynamodb/alert-config-store';
import { DeliveryLog } from '../adapters/dynamodb/delivery-log';
import { EndpointPacer } from '../adapters/dynamodb/endpoint-pacing';
import { type EmailSender, SesEmailSender } from '../adapters/email/email-sender';
import type { Infrastructure } from '../adapters/infrastructure';
import { SecretBox } from '../adapters/kms/secret-box';
import type { OutboundPolicy } from '../adapters/outbound/sender';
import { DeliveryQueue } from '../adapters/sqs/delivery-queue';
import { createLogger, type Logger } from '../platform/logger';
import { createMetrics, type Metrics, MetricUnit } from '../platform/metrics';
import { Channels } from './channels';
import { Deliverer } from './deliver';
import { DigestScheduler } from './digests';

// Where alerts leave the account: queued deliveries are sent (webhooks signed, Slack, Teams, SES e-mail), retried
// on their schedule, and logged; once a day the digests are queued. Every destination goes through the one outbound
// sender (HTTPS only, public addresses only, checked when connecting).

export interface AlertDeliveryDependencies {
  readonly deliverer: Deliverer;
  readonly digests: DigestScheduler;
  readonly queue: DeliveryQueue;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * `outbound` and `email` are for the local runtime, which lets its test receivers on 127.0.0.1 be reached and keeps
 * e-mail in an outbox; a deployed function has no setting for either: public HTTPS destinations only, and SES.
 */
export function alertDeliveryDependencies(
  environment: FunctionEnvironment<'alertDelivery'>,
  infrastructure: Pick<Infrastructure, 'documentClient' | 'keyService' | 'sqs'>,
  local: { readonly outbound?: OutboundPolicy; readonly email?: EmailSender } = {},
): AlertDeliveryDependencies {
  const { documentClient: doc } = infrastructure;
  const tableName = environment.TABLE_NAME;
  const clock = () => new Date();
  const from = environment.ALERTS.emailFrom;
  const email = local.email ?? (from ? new SesEmailSender(sesClient(), from) : undefined);
  const config = new AlertConfigStore(doc, tableName, clock);
  const deliveries = new DeliveryLog(doc, tableName, environment.ALERTS.deliveryLogDays, clock);
  const queue = new DeliveryQueue(infrastructure.sqs, environment.DELIVERY_QUEUE_URL);
  return {
    deliverer: new Deliverer({
      config,
      deliveries,
      secrets: new SecretBox(infrastructure.keyService(environment.KEY_ID), KEY_PURPOSES.integrationSecret),
      channels: new Channels(local.outbound ?? {}, email, clock),
      pacer: new EndpointPacer(doc, tableName, clock),
      clock,
    }),
    digests: new DigestScheduler(environment.SITES, config, deliveries, queue, clock),
    queue,
    logger: createLogger(FUNCTIONS.alertDelivery.serviceName),
    metrics: createMetrics(FUNCTIONS.alertDelivery.serviceName),
  };
}

type DeliveryEvent = SQSEvent | DigestRun;

export function createHandler({ deliverer, digests, queue, logger, metrics }: AlertDeliveryDependencies) {
  async function handle(event: DeliveryEvent): Promise<SQSBatchResponse | { queued: number }> {
    if (!('Records' in event)) {
      const run = DigestRunSchema.parse(event);
      const outcome = await digests.run(run.day);
      logger.info('Daily digests queued', outcome);
      return outcome;
    }
    const failures: string[] = [];
    // At once: a slow receiver holds up only its own delivery's slot in the batch.
    await Promise.all(
      event.Records.map(async (record) => {
        try {
          const step = await deliverer.deliver(record);
          if (step.done) {
            metrics.singleMetric().addDimension('result', step.result).addMetric('AlertDeliveries', MetricUnit.Count, 1);
            if (step.result === 'malformed') logger.error('Malformed delivery message', { messageId: record.messageId });
            return;
          }
          // Held back until its next attempt is due; Lambda leaves a failed record in the queue.
          await queue.postpone(record.receiptHandle, step.retryInSeconds);
          if (step.reason === 'retry') metrics.singleMetric().addDimension('result', 'retry').addMetric('AlertDeliveries', MetricUnit.Count, 1);
          failures.push(record.messageId);
        } catch (error) {
          logger.error('Delivery failed unexpectedly; the queue retries it', { messageId: record.messageId, error: error as Error });
          failures.push(record.messageId);
        }
      }),
    );
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  }

  return middy<DeliveryEvent, SQSBatchResponse | { queued: number }>(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
