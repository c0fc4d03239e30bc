import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import * as z from 'zod';
import {
  type BehaviourLimits,
  AlertSettingsSchema,
  type AlertSettings,
  BehaviourLimitsSchema,
  DEFAULT_ALERT_SETTINGS,
  type CrmConfig,
  CrmConfigSchema,
  DEFAULT_CRM_CONFIG,
  DEFAULT_BEHAVIOUR_LIMITS,
  type IpOverrides,
  IpOverridesSchema,
  NO_IP_OVERRIDES,
  RetentionSchema,
  SitesSchema,
  type Retention,
  type Site,
} from '../functions/contracts/deployment-config';
import { FUNCTIONS } from '../functions/contracts/functions';
import { REGION } from '../functions/contracts/names';

/**
 * The deployment configuration, read from `cdk.json` context (or `-c key=value`) and validated before any
 * construct is built, so a bad value fails synth with the context key and field named instead of deploying.
 */

/** GDPR: visitor data is processed and stored only in the EU, in the one region the design was reviewed for. */
export const SUPPORTED_REGION = REGION;

export const RegionSchema = z.string().superRefine((region, ctx) => {
  if (region !== SUPPORTED_REGION) {
    ctx.addIssue({
      code: 'custom',
      message: `Eirlead deploys only to ${SUPPORTED_REGION} (visitor data stays in the EU region it was reviewed for), not to ${region}`,
    });
  }
});

/**
 * Stage-wide API Gateway throttling (each API's stage gets these limits), a guard against floods and runaway bills;
 * and, for ingest at its function URL, which no API Gateway stage guards, the function's reserved concurrency.
 */
const LimitsSchema = z.strictObject({
  rateLimit: z.number().positive().max(10_000),
  burstLimit: z.int().min(1).max(5_000),
});

export const ThrottleSchema = z.strictObject({
  rateLimit: z.number().positive().max(10_000).default(100),
  burstLimit: z.int().min(1).max(5_000).default(200),
  /**
   * Tighter limits for single routes, e.g. `{"/v1/sites/{siteId}/erasure-requests/POST": {...}}`. Keys naming
   * a route of the public HTTP API (`/v1/events/POST`, `/v1/events/OPTIONS`, `/v1/snippet.js/GET` with
   * `ingestApi` "http") become its route settings (`POST /v1/events`); the others apply to the REST API.
   */
  methods: z
    .record(z.string().regex(/^\/v1\/[^\s]*\/(GET|POST|DELETE|OPTIONS)$/, 'must be a route path then its method, e.g. /v1/events/POST'), LimitsSchema)
    .default({}),
  /**
   * With `ingestApi` "functionUrl": the ingest function's reserved concurrency, the only cap on requests to its URL
   * (a request beyond it is answered 429). An invocation takes about 10 to 30 ms, so 20 instances take roughly 700
   * to 2,000 requests a second. Reserved concurrency comes out of the account's (1,000 by default).
   */
  ingestConcurrency: z.int().min(2).max(500).default(20),
});
export type Throttle = z.infer<typeof ThrottleSchema>;

/**
 * Optional AWS WAF in front of the REST API; off by default because a web ACL has a fixed monthly cost. It
 * cannot be attached to an HTTP API: ingest is behind it only with `ingestApi` "rest".
 */
export const WafSchema = z.strictObject({
  enabled: z.boolean().default(false),
  rateLimitPer5Minutes: z.int().min(10).max(2_000_000_000).default(2000),
});
export type WafConfig = z.infer<typeof WafSchema>;

/**
 * CloudWatch alarms: where they are sent and when a backlog counts as stuck. The alarm topic is always
 * created; `email` only adds an e-mail subscription to it (AWS sends a confirmation mail first).
 */
export const AlarmsSchema = z.strictObject({
  email: z.email({ error: 'must be an e-mail address' }).optional(),
  /** Age of the oldest queued event, in seconds, above which enrichment counts as stuck (1 minute to 12 hours). */
  queueAgeSeconds: z.int().min(60).max(43_200).default(300),
});
export type AlarmsConfig = z.infer<typeof AlarmsSchema>;

/**
 * How long the enrichment queue's event source mapping gathers a batch: fewer, larger batches write each busy lead
 * less often (DynamoDB write units) and make leads appear later. Measured by `npm run bench -- --batching-window N`
 * (docs/cost.md): at 50 page views a second, 1 s (the default) against 2 s gave 1.69 against 1.60 write units per page
 * view and an event-to-lead p95 of 2.0 s against 3.0 s. At least 1 s, because the batch size (100) needs a window;
 * at most 20 s, so that leads and realtime alerts stay within half a minute of the visit.
 */
export const EnrichmentSettingsSchema = z.strictObject({
  batchingWindowSeconds: z.int().min(1).max(20).default(FUNCTIONS.enrichment.queueBatch.maxBatchingWindowSeconds),
});
export type EnrichmentSettings = z.infer<typeof EnrichmentSettingsSchema>;

/**
 * Where the public, unauthenticated, high-volume routes are served (`POST`/`OPTIONS /v1/events` and
 * `GET /v1/snippet.js`):
 * - `functionUrl` (default): `POST /v1/events` at the ingest function's Lambda function URL, which has no request
 *   fee beyond Lambda's; the snippet on a regional HTTP API, which also keeps serving `POST /v1/events` for clients
 *   that post there (the snippet served by the stack posts to the function URL). The function URL is capped by the
 *   ingest function's reserved concurrency (`throttle.ingestConcurrency`), not by API Gateway throttling. Neither it
 *   nor the HTTP API can sit behind AWS WAF; unlike the APIs it cannot take a custom domain either (only through
 *   CloudFront, a global service the residency rule forbids). Chosen as the default by `npm run bench`: $1.34 less
 *   per million page views than `http` (docs/cost.md).
 * - `http`: every public route on the regional HTTP API, at $1.11 per million requests on top.
 * - `rest`: the REST API that also serves the leads API; choose it when ingest must sit behind the optional AWS
 *   WAF web ACL ($3.50 per million requests on top).
 */
export const IngestApiSchema = z.enum(['functionUrl', 'http', 'rest'], { error: 'must be "functionUrl", "http" or "rest"' });
export type IngestApi = z.infer<typeof IngestApiSchema>;

export interface EirleadConfig {
  readonly region: string;
  readonly sites: readonly Site[];
  readonly retention: Retention;
  readonly throttle: Throttle;
  readonly ipOverrides: IpOverrides;
  readonly waf: WafConfig;
  readonly alarms: AlarmsConfig;
  readonly ingestApi: IngestApi;
  /** The enrichment queue's batching window (writes against latency). */
  readonly enrichment: EnrichmentSettings;
  readonly limits: BehaviourLimits;
  /** Alerts: the SES sender identity, the digest hour, the delivery log's retention (docs/alerts.md). */
  readonly alerts: AlertSettings;
  /** The CRM integration's schedules and copy (docs/crm.md). */
  readonly crm: CrmConfig;
}

/** CloudWatch Logs accepts only these retention periods; any other value would fail at deploy time. */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const DeployableRetentionSchema = RetentionSchema.superRefine((retention, ctx) => {
  if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(retention.logRetentionDays)) {
    ctx.addIssue({
      code: 'custom',
      path: ['logRetentionDays'],
      message: `must be one of the periods CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(', ')}`,
    });
  }
  if (retention.dlqRetentionDays * 24 < retention.queueRetentionHours) {
    // SQS keeps a message's original enqueue time when it moves to the DLQ, so a shorter DLQ retention
    // would delete failed messages before anyone could look at them.
    ctx.addIssue({
      code: 'custom',
      path: ['dlqRetentionDays'],
      message: 'must be at least as long as queueRetentionHours',
    });
  }
});

const CONTEXT_SCHEMAS = {
  region: RegionSchema.default(SUPPORTED_REGION),
  sites: SitesSchema,
  retention: DeployableRetentionSchema.default(RetentionSchema.parse({})),
  throttle: ThrottleSchema.default(ThrottleSchema.parse({})),
  ipOverrides: IpOverridesSchema.default(NO_IP_OVERRIDES),
  waf: WafSchema.default(WafSchema.parse({})),
  alarms: AlarmsSchema.default(AlarmsSchema.parse({})),
  ingestApi: IngestApiSchema.default('functionUrl'),
  enrichment: EnrichmentSettingsSchema.default(EnrichmentSettingsSchema.parse({})),
  limits: BehaviourLimitsSchema.default(DEFAULT_BEHAVIOUR_LIMITS),
  alerts: AlertSettingsSchema.default(DEFAULT_ALERT_SETTINGS),
  crm: CrmConfigSchema.default(DEFAULT_CRM_CONFIG),
} as const;

type ContextKey = keyof typeof CONTEXT_SCHEMAS;

/** Thrown for any invalid context value; the message names the context key and the field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Keys whose value is a plain string (`-c ingestApi=rest`), not JSON. */
const STRING_KEYS: ReadonlySet<ContextKey> = new Set(['region', 'ingestApi']);

/** `-c retention='{"visitDays":30}'` arrives as a string, cdk.json values as objects: accept both. */
function decode(key: ContextKey, raw: unknown): unknown {
  if (STRING_KEYS.has(key) || typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ConfigError(`Invalid context "${key}": not valid JSON (${raw})`);
  }
}

function parseContextValue<K extends ContextKey>(key: K, raw: unknown): z.infer<(typeof CONTEXT_SCHEMAS)[K]> {
  const result = CONTEXT_SCHEMAS[key].safeParse(decode(key, raw));
  if (result.success) return result.data as z.infer<(typeof CONTEXT_SCHEMAS)[K]>;
  const problems = result.error.issues.map((issue) => {
    const field = [key, ...issue.path.map(String)].join('.');
    return `${field}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid context "${key}": ${problems.join('; ')}`);
}

/**
 * The configuration `cdk deploy` would use outside an app: `cdk.json`'s context in `repoRoot`, validated, with
 * `extraContext` on top as `-c key=value` would put it (scripts: the benchmark, the dashboard build, the privacy report).
 */
export function loadCdkJsonConfig(repoRoot = process.cwd(), extraContext: Record<string, unknown> = {}): EirleadConfig {
  const { context = {} } = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return loadConfig(new App({ context: { ...context, ...extraContext } }).node);
}

/** Reads and validates the whole configuration from a construct's context (normally the App's). */
export function loadConfig(node: Node): EirleadConfig {
  const config: EirleadConfig = {
    region: parseContextValue('region', node.tryGetContext('region')),
    sites: parseContextValue('sites', node.tryGetContext('sites')),
    retention: parseContextValue('retention', node.tryGetContext('retention')),
    throttle: parseContextValue('throttle', node.tryGetContext('throttle')),
    ipOverrides: parseContextValue('ipOverrides', node.tryGetContext('ipOverrides')),
    waf: parseContextValue('waf', node.tryGetContext('waf')),
    alarms: parseContextValue('alarms', node.tryGetContext('alarms')),
    ingestApi: parseContextValue('ingestApi', node.tryGetContext('ingestApi')),
    enrichment: parseContextValue('enrichment', node.tryGetContext('enrichment')),
    limits: parseContextValue('limits', node.tryGetContext('limits')),
    alerts: parseContextValue('alerts', node.tryGetContext('alerts')),
    crm: parseContextValue('crm', node.tryGetContext('crm')),
  };
  const { queueRetentionHours } = config.retention;
  // An age alarm that could fire only after the queue had deleted the message would never warn anyone.
  if (config.alarms.queueAgeSeconds >= queueRetentionHours * 3600) {
    throw new ConfigError(
      `Invalid context "alarms": alarms.queueAgeSeconds: must be shorter than retention.queueRetentionHours (${queueRetentionHours} h), or queued events expire before the alarm fires`,
    );
  }
  return config;
}
