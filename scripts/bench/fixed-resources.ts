/**
 * The resources that cost money every month whatever the traffic, counted from the stack as `cdk synth` builds it
 * from cdk.json (bundling skipped: only the template is read), and the custom metrics from the EMF lines the
 * functions printed during the run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '../../functions/contracts/functions';
import { loadConfig } from '../../lib/config';
import { EirleadStack } from '../../lib/eirlead-stack';
import { projectRoot } from '../../lib/project-root';
import type { FixedResources } from './cost-model';

const HOURS_PER_MONTH = 730;
/**
 * An SQS event source mapping long-polls its queue even when it is empty. Lambda's documentation describes the
 * pollers scaling from a small number; five concurrent 20-second long polls is the commonly quoted idle floor, so
 * 5 × 3 a minute is taken here (an estimate: the figure is not published).
 */
const IDLE_POLLS_PER_HOUR_PER_MAPPING = 5 * 3 * 60;
/** The salt cleanup's typical run: one query of the expired salts' index and a few deletes. Estimated, not measured. */
const SCHEDULED_RUN_MS = 300;

type Resource = { Properties?: Record<string, unknown> };

/** Counts what the stack of `ingestApi` holds, with cdk.json's other settings. */
export function stackFixedResources(ingestApi: string, customMetrics: number): FixedResources {
  const context = (JSON.parse(readFileSync(join(projectRoot(), 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
  const app = new App({ context: { ...context, ingestApi, 'aws:cdk:bundling-stacks': [] } });
  const config = loadConfig(app.node);
  const template = Template.fromStack(new EirleadStack(app, 'EirleadStack', { env: { account: '123456789012', region: config.region }, config }));
  const resources = (type: string) => Object.values(template.findResources(type)) as Resource[];

  const alarmMetrics = resources('AWS::CloudWatch::Alarm').reduce((sum, alarm) => {
    const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
    return sum + (metrics ? metrics.filter((metric) => metric.MetricStat).length : 1);
  }, 0);
  const hourlyRules = resources('AWS::Events::Rule').filter((rule) => rule.Properties?.ScheduleExpression === 'rate(1 hour)').length;
  const webAcls = resources('AWS::WAFv2::WebACL');
  return {
    webAcls: webAcls.length,
    wafRules: webAcls.reduce((sum, acl) => sum + ((acl.Properties?.Rules as unknown[] | undefined)?.length ?? 0), 0),
    kmsKeys: resources('AWS::KMS::Key').length,
    customMetrics,
    alarmMetrics,
    dashboards: resources('AWS::CloudWatch::Dashboard').length,
    idleSqsRequests: resources('AWS::Lambda::EventSourceMapping').length * IDLE_POLLS_PER_HOUR_PER_MAPPING * HOURS_PER_MONTH,
    scheduled: hourlyRules > 0 ? [{ memoryMb: FUNCTIONS.saltCleanup.memoryMb, invocations: hourlyRules * HOURS_PER_MONTH, billedMs: SCHEDULED_RUN_MS }] : [],
  };
}

/**
 * Distinct metrics (namespace, name, dimension values) in embedded-metric-format lines: CloudWatch bills each such
 * combination as one custom metric a month.
 */
export function emfMetricCounter() {
  const seen = new Set<string>();
  return {
    take(text: string): void {
      for (const line of text.split('\n')) {
        if (!line.startsWith('{"_aws"')) continue;
        try {
          const emf = JSON.parse(line) as Record<string, unknown> & {
            _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
          };
          for (const directive of emf._aws.CloudWatchMetrics) {
            for (const dimensions of directive.Dimensions.length > 0 ? directive.Dimensions : [[]]) {
              const values = dimensions.map((name) => `${name}=${String(emf[name])}`).join(',');
              for (const metric of directive.Metrics) seen.add(`${directive.Namespace}/${metric.Name}/${values}`);
            }
          }
        } catch {
          // A line cut by a chunk boundary: the same metric comes round again on a later line.
        }
      }
    },
    get count(): number {
      return seen.size;
    },
  };
}
