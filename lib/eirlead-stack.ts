import { Annotations, CfnOutput, Duration, Stack, Token, type StackProps } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { FunctionName } from '../functions/contracts/functions';
import { ROUTES, urlRoutesOf } from '../functions/contracts/routes';
import { LEADS_BY_LAST_SEEN_INDEX } from '../functions/contracts/table';
import type { EirleadConfig } from './config';
import { Alerts } from './constructs/alerts';
import { Crm } from './constructs/crm';
import { DashboardApp } from './constructs/dashboard-app';
import { Encryption } from './constructs/encryption';
import { Docs } from './constructs/docs';
import { Enrichment } from './constructs/enrichment';
import { Exports } from './constructs/exports';
import { RestApi } from './constructs/rest-api';
import { Ingest } from './constructs/ingest';
import { IngestUrl } from './constructs/ingest-url';
import { LeadsApi } from './constructs/leads-api';
import { Operations } from './constructs/operations';
import { PublicHttpApi, splitMethodThrottling } from './constructs/public-http-api';
import { Snippet } from './constructs/snippet';
import { SaltCleanup } from './constructs/salt-cleanup';
import { Waf } from './constructs/waf';
import { Storage } from './constructs/storage';
import { applyResidencyGuard, assertResidentRegion } from './guards/residency';

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

    const atFunctionUrl = config.ingestApi === 'functionUrl';
    const ingest = new Ingest(this, 'Ingest', {
      encryptionKey: encryption.key,
      table: storage.table,
      sites: config.sites,
      ipOverrides: config.ipOverrides,
      retention,
      consumerTimeout: Enrichment.TIMEOUT,
      consumerBatchingWindow: Duration.seconds(config.enrichment.batchingWindowSeconds),
      // At its function URL no API Gateway stage throttles ingest: its reserved concurrency does.
      ...(atFunctionUrl ? { reservedConcurrency: config.throttle.ingestConcurrency } : {}),
    });
    // POST /v1/events without API Gateway's request fee (ingestApi "functionUrl", the default).
    const urlRoutes = urlRoutesOf('ingest');
    const ingestUrl = atFunctionUrl
      ? new IngestUrl(this, 'IngestUrl', {
          function: ingest.function,
          routes: urlRoutes,
          whyPublic: urlRoutes[0]?.auth.type === 'none' ? urlRoutes[0].auth.why : '',
          reservedConcurrency: config.throttle.ingestConcurrency,
        })
      : undefined;
    const eventsUrl = ingestUrl && `${ingestUrl.url}v1/events`;
    const enrichment = new Enrichment(this, 'Enrichment', {
      queue: ingest.queue,
      encryptionKey: encryption.key,
      table: storage.table,
      retention,
      sites: config.sites,
      ipOverrides: config.ipOverrides,
      limits: config.limits,
      batchingWindowSeconds: config.enrichment.batchingWindowSeconds,
    });

    // The public, unauthenticated routes of the route table, always served by one API together, so a snippet
    // finds `events` next to its own URL: the HTTP API (ingestApi "functionUrl", the default, and "http") or the
    // REST API ("rest"). With "functionUrl" the HTTP API keeps POST /v1/events for clients that post there (scripts
    // cached before an upgrade, server-side clients, copies with data-endpoint); the served snippet posts to the URL.
    const servedByHttpApi = config.ingestApi !== 'rest';
    const publicRoutes = ROUTES.filter((route) => route.api === 'public');
    // Per-route limits go to the API that serves the route: each API refuses settings for routes it lacks.
    const throttling = servedByHttpApi
      ? splitMethodThrottling(config.throttle.methods, publicRoutes)
      : { publicRoutes: {}, rest: config.throttle.methods };

    // Construct id `HttpApi` kept from version 0.1, so that a deployed REST API keeps its logical ids and URL.
    const restApi = new RestApi(this, 'HttpApi', {
      encryptionKey: encryption.key,
      description: servedByHttpApi ? 'Eirlead API v1: leads' : 'Eirlead HTTP API v1: event ingest and leads',
      throttlingRateLimit: config.throttle.rateLimit,
      throttlingBurstLimit: config.throttle.burstLimit,
      methodThrottling: throttling.rest,
      logRetentionDays: retention.logRetentionDays,
    });
    const exports = new Exports(this, 'Exports', { table: storage.table, encryptionKey: encryption.key, retention });
    const leadsApi = new LeadsApi(this, 'LeadsApi', { restApi, table: storage.table, encryptionKey: encryption.key, retention, exports });
    const docs = new Docs(this, 'Docs', { restApi, encryptionKey: encryption.key, logRetentionDays: retention.logRetentionDays });
    const snippet = new Snippet(this, 'Snippet', {
      encryptionKey: encryption.key,
      logRetentionDays: retention.logRetentionDays,
      ...(eventsUrl ? { eventsUrl } : {}),
    });

    const handlers: Partial<Record<FunctionName, lambda.IFunction>> = { ingest: ingest.function, snippet: snippet.function };
    const handlerOf = (name: FunctionName): lambda.IFunction => {
      const handler = handlers[name];
      if (!handler) throw new Error(`EirleadStack: no function ${name} serves a public route`);
      return handler;
    };
    let publicApi: PublicHttpApi | undefined;
    if (servedByHttpApi) {
      publicApi = new PublicHttpApi(this, 'PublicApi', {
        encryptionKey: encryption.key,
        routes: publicRoutes.map((route) => ({
          method: HttpMethod[route.method],
          path: route.path,
          handler: handlerOf(route.function),
          whyPublic: route.auth.why,
        })),
        throttlingRateLimit: config.throttle.rateLimit,
        throttlingBurstLimit: config.throttle.burstLimit,
        routeThrottling: throttling.publicRoutes,
        logRetentionDays: retention.logRetentionDays,
      });
    } else {
      for (const route of publicRoutes) restApi.addRoute(route, handlerOf(route.function));
    }

    const alerts = new Alerts(this, 'Alerts', {
      table: storage.table,
      encryptionKey: encryption.key,
      retention,
      sites: config.sites,
      settings: config.alerts,
      restApi,
      authorizer: leadsApi.authorizer,
    });
    const crm = new Crm(this, 'Crm', {
      restApi,
      authorizer: leadsApi.authorizer,
      table: storage.table,
      encryptionKey: encryption.key,
      retention,
      sites: config.sites,
      crm: config.crm,
    });

    // The dashboard for people, at `/` of the same REST API: pages, sign-in (Cognito, TOTP required) and its API.
    const dashboardApp = new DashboardApp(this, 'DashboardApp', {
      restApi,
      authorizer: leadsApi.authorizer,
      table: storage.table,
      encryptionKey: encryption.key,
      retention,
      sites: config.sites,
    });

    const saltCleanup = new SaltCleanup(this, 'SaltCleanup', { table: storage.table, encryptionKey: encryption.key, retention });
    if (config.waf.enabled) {
      const waf = new Waf(this, 'Waf', { stage: restApi.api.deploymentStage, rateLimitPer5Minutes: config.waf.rateLimitPer5Minutes });
      if (publicApi) {
        Annotations.of(waf).addWarningV2(
          'eirlead:ingest-not-behind-waf',
          'waf.enabled: the web ACL protects only the REST API (leads API). POST /v1/events and GET /v1/snippet.js are served by the HTTP API (ingestApi "http"), to which AWS WAF cannot be attached; they are limited by API Gateway throttling only. To put ingest behind the web ACL, set the context ingestApi to "rest" (about three times the API Gateway price per request).',
        );
      }
    }

    const operations = new Operations(this, 'Operations', {
      functions: {
        ingest: ingest.function,
        enrichment: enrichment.function,
        'leads-api': leadsApi.function,
        authorizer: leadsApi.authorizerFunction,
        snippet: snippet.function,
        'salt-cleanup': saltCleanup.function,
        'lead-export': exports.function,
        docs: docs.function,
        alerts: alerts.evaluator,
        'alert-delivery': alerts.delivery,
        'alerts-api': alerts.api,
        'crm-api': crm.apiFunction,
        'crm-sync': crm.syncFunction,
        dashboard: dashboardApp.function,
      },
      alerts: { deliveryQueue: alerts.deliveryQueue, deliveryDeadLetterQueue: alerts.deliveryDeadLetterQueue, failures: alerts.failures, evaluator: alerts.evaluator },
      crmFailures: crm.deadLetterQueue,
      queue: ingest.queue,
      deadLetterQueue: ingest.deadLetterQueue,
      saltCleanupFailures: saltCleanup.failedRuns,
      table: storage.table,
      tableIndexNames: [LEADS_BY_LAST_SEEN_INDEX],
      api: restApi.api,
      publicApiStage: publicApi?.stage,
      encryptionKey: encryption.key,
      alarmEmail: config.alarms.email,
      queueAgeThreshold: Duration.seconds(config.alarms.queueAgeSeconds),
    });

    new CfnOutput(this, 'ApiUrl', {
      value: `${restApi.api.url}v1/`,
      description: publicApi
        ? 'Base URL of API v1 on the REST API: leads routes and the OpenAPI document'
        : 'Base URL of API v1 on the REST API: event ingest, the snippet, leads routes and the OpenAPI document',
    });
    new CfnOutput(this, 'PublicApiUrl', {
      value: publicApi ? publicApi.url : restApi.api.url,
      description: `Base URL of the public routes v1/events and v1/snippet.js (${publicApi ? 'HTTP API' : 'the REST API stage'}); the install line loads <PublicApiUrl>v1/snippet.js`,
    });
    new CfnOutput(this, 'EventsUrl', {
      value: eventsUrl ?? `${publicApi ? publicApi.url : restApi.api.url}v1/events`,
      description: eventsUrl
        ? 'Where the served snippet sends events: POST /v1/events at the ingest function URL (no API Gateway request fee); data-endpoint for a self-hosted snippet or any other client'
        : 'Where the served snippet sends events: POST /v1/events on the API; data-endpoint for a self-hosted snippet',
    });
    new CfnOutput(this, 'AppUrl', { value: restApi.api.url, description: 'The dashboard: sign in with a user invited by npm run users -- invite' });
    new CfnOutput(this, 'UserPoolId', {
      value: dashboardApp.userPool.userPoolId,
      description: 'The dashboard users (Cognito, TOTP required): npm run users -- invite <e-mail> --role viewer|sales|admin --user-pool <UserPoolId>',
    });
    new CfnOutput(this, 'DocsUrl', { value: `${restApi.api.url}docs`, description: 'The API reference page' });
    new CfnOutput(this, 'ExportBucketName', { value: exports.bucket.bucketName, description: 'Export files (kept one day)' });
    new CfnOutput(this, 'TableName', { value: storage.table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: ingest.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: ingest.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlertDeliveryDeadLetterQueueUrl', { value: alerts.deliveryDeadLetterQueue.queueUrl });
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
