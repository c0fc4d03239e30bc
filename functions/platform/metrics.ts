import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE } from '../contracts/names';

export { type Metrics, MetricUnit };

/** CloudWatch metrics in the embedded metric format (log lines, no API call), with the function as `service`. */
export const createMetrics = (serviceName: string): Metrics => new Metrics({ namespace: METRIC_NAMESPACE, serviceName });
