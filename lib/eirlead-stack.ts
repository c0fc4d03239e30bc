import { CfnOutput, Duration, Stack, Token, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LEADS_BY_LAST_SEEN_INDEX } from '../functions/shared/table';
import type { EirleadConfig } from './config';
import { Encryption } from './constructs/encryption';
import { Enrichment } from './constructs/enrichment';
import { HttpApi } from './constructs/http-api';
import { Ingest } from './constructs/ingest';
import { LeadsApi } from './constructs/leads-api';
import { Operations } from './constructs/operations';
import { SaltCleanup } from './constructs/salt-cleanup';
import { Waf } from './constructs/waf';
import { Storage } from './constructs/storage';
import { applyResidencyGuard, assertResidentRegion } from './residency';

export interface EirleadStackProps extends StackProps {
  /** Validated configuration (see `loadConfig`). */
  readonly config: EirleadConfig;
}

/** Eirlead in one stack: the key, the table, ingest, enrichment, the API and their alarms, wired together. */
export class EirleadStack extends Stack {
  constructor(scope: Construct, id: string, props: EirleadStackProps) {
    super(scope, id, props);
    // Checked here as well as in the configuration, so no code path can build the stack elsewhere; the guard
    // then checks the synthesised template for anything that would carry data out of the region.
    assertResidentRegion(Token.isUnresolved(this.region) ? undefined : this.region, 'EirleadStack');
    applyResidencyGuard(this);
    const { config } = props;
    const { retention } = config;

    const encryption = new Encryption(this, 'Encryption');
    const storage = new Storage(this, 'Storage', {
      encryptionKey: encryption.key,
      backupRecoveryDays: retention.backupRecoveryDays,
    });

    const enrichmentTimeout = Enrichment.DEFAULT_TIMEOUT;
    const ingest = new Ingest(this, 'Ingest', {
      encryptionKey: encryption.key,
      table: storage.table,
      sites: config.sites,
      ipOverrides: config.ipOverrides,
      retention,
      consumerTimeout: enrichmentTimeout,
    });
    const enrichment = new Enrichment(this, 'Enrichment', {
      queue: ingest.queue,
      table: storage.table,
      retention,
      sites: config.sites,
      ipOverrides: config.ipOverrides,
      timeout: enrichmentTimeout,
    });

    const httpApi = new HttpApi(this, 'HttpApi', {
      throttlingRateLimit: config.throttle.rateLimit,
      throttlingBurstLimit: config.throttle.burstLimit,
      methodThrottling: config.throttle.methods,
      logRetentionDays: retention.logRetentionDays,
    });
    const events = httpApi.v1.addResource('events');
    const whyPublic =
      'Called by visitors\' browsers (the site snippet), which hold no credentials; the function admits only configured sites and their allowed origins, and stage throttling limits abuse.';
    httpApi.addPublicMethod(events, 'POST', ingest.function, whyPublic);
    // The preflight is answered by the function, which knows each site's allowed origins.
    httpApi.addPublicMethod(events, 'OPTIONS', ingest.function, `CORS preflight of POST /v1/events. ${whyPublic}`);

    const leadsApi = new LeadsApi(this, 'LeadsApi', { httpApi, table: storage.table, encryptionKey: encryption.key, retention });
    const saltCleanup = new SaltCleanup(this, 'SaltCleanup', { table: storage.table, retention });
    if (config.waf.enabled) {
      new Waf(this, 'Waf', { stage: httpApi.api.deploymentStage, rateLimitPer5Minutes: config.waf.rateLimitPer5Minutes });
    }

    const operations = new Operations(this, 'Operations', {
      functions: {
        ingest: ingest.function,
        enrichment: enrichment.function,
        'leads-api': leadsApi.function,
        authorizer: leadsApi.authorizerFunction,
        snippet: leadsApi.snippetFunction,
        'salt-cleanup': saltCleanup.function,
      },
      queue: ingest.queue,
      deadLetterQueue: ingest.deadLetterQueue,
      table: storage.table,
      tableIndexNames: [LEADS_BY_LAST_SEEN_INDEX],
      api: httpApi.api,
      encryptionKey: encryption.key,
      alarmEmail: config.alarms.email,
      queueAgeThreshold: Duration.seconds(config.alarms.queueAgeSeconds),
    });

    new CfnOutput(this, 'ApiUrl', {
      value: `${httpApi.api.url}v1/`,
      description: 'Base URL of API v1 (POST events, leads routes)',
    });
    new CfnOutput(this, 'TableName', { value: storage.table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: ingest.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: ingest.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'KeyArn', { value: encryption.key.keyArn });
    new CfnOutput(this, 'DashboardName', { value: operations.dashboard.dashboardName });
    // The stack's region, which the residency check above pins to eu-west-1.
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${operations.dashboard.dashboardName}`,
      description: 'CloudWatch dashboard of the pipeline (API, functions, queues, table, dropped events)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: operations.alarmTopic.topicArn,
      description: 'SNS topic every alarm notifies; subscribe further targets here',
    });
  }
}
