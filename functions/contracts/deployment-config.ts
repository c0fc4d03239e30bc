import * as z from 'zod';

/**
 * Deployment configuration shared by the CDK app (which validates `cdk.json` context with it at synth)
 * and the functions (which read the same values from their environment), so the two cannot drift.
 */

export const SiteIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, at most 63 characters');

/** An allowed origin: `https://www.example.com`, or with a port wildcard `http://localhost:*`. */
export const OriginPatternSchema = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(:(\d{1,5}|\*))?$/, 'scheme://host[:port|:*], no path, lowercase');

/** Network classes that may become leads; carriers, clouds and unknown networks never do. */
export const LeadClassSchema = z.enum(['business', 'education', 'government']);
export type LeadClass = z.infer<typeof LeadClassSchema>;

export const SiteSchema = z.strictObject({
  siteId: SiteIdSchema,
  allowedOrigins: z.array(OriginPatternSchema).min(1),
  /** Which network classes become leads on this site. @default ['business'] */
  leadClasses: z.array(LeadClassSchema).min(1).default(['business']),
});
export type Site = z.infer<typeof SiteSchema>;

export const SitesSchema = z.array(SiteSchema).min(1).refine(
  (sites) => new Set(sites.map((site) => site.siteId)).size === sites.length,
  'siteId must be unique',
);

const CidrSchema = z.union([z.cidrv4(), z.cidrv6()], { error: 'must be an IPv4 or IPv6 range in CIDR form, e.g. 198.51.100.0/24' });

/**
 * The customer's own knowledge of networks, which wins over the bundled data: ranges to ignore (staff,
 * offices; dropped at ingest, before anything is queued) and ranges that belong to a named organisation.
 */
export const IpOverridesSchema = z.strictObject({
  ignore: z.array(CidrSchema).max(200).default([]),
  organisations: z
    .array(
      z.strictObject({
        network: CidrSchema,
        name: z.string().min(1).max(200),
        domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain name').optional(),
      }),
    )
    .max(200)
    .default([]),
});
export type IpOverrides = z.infer<typeof IpOverridesSchema>;
export const NO_IP_OVERRIDES: IpOverrides = IpOverridesSchema.parse({});

/**
 * Limits on what one visitor or one network can make of the leads, whatever a client sends
 * (docs/classification.md, "Bots and typed domains"):
 * - a visitor-day (one daily pseudonym) past `maxPageviewsPerVisitorDay` page views, or viewing one page more than
 *   `maxRepeatsOfOnePage` times in a row, feeds no lead for the rest of that day (counted as `bot-behaviour`);
 * - a visit of one page that was visible for less than `minEngagedMsOfSinglePageVisit` feeds no lead (`short-visit`;
 *   0 turns the rule off; only where the browser reported the time, as the snippet does);
 * - at most `formDomainsPerNetworkPerDay` distinct domains typed into forms name organisations from one /24 or /48
 *   a day (`form-domain-limit`).
 */
export const BehaviourLimitsSchema = z.strictObject({
  maxPageviewsPerVisitorDay: z.int().min(10).max(100_000).default(300),
  maxRepeatsOfOnePage: z.int().min(2).max(10_000).default(30),
  minEngagedMsOfSinglePageVisit: z.int().min(0).max(60_000).default(1000),
  formDomainsPerNetworkPerDay: z.int().min(0).max(1000).default(3),
});
export type BehaviourLimits = z.infer<typeof BehaviourLimitsSchema>;
export const DEFAULT_BEHAVIOUR_LIMITS: BehaviourLimits = BehaviourLimitsSchema.parse({});

/**
 * Alerts (docs/alerts.md): the verified SES identity e-mail is sent from (no e-mail endpoints without it), the UTC
 * hour the daily digest goes out, and how long the delivery log is kept.
 */
export const AlertSettingsSchema = z.strictObject({
  emailFrom: z.email({ error: 'must be an e-mail address of an SES identity verified in eu-west-1' }).optional(),
  digestHourUtc: z.int().min(0).max(23).default(7),
  deliveryLogDays: z.int().min(1).max(90).default(30),
});
export type AlertSettings = z.infer<typeof AlertSettingsSchema>;
export const DEFAULT_ALERT_SETTINGS: AlertSettings = AlertSettingsSchema.parse({});

/** Retention per data class (docs/architecture.md, "Data classes and retention"). */
export const RetentionSchema = z.strictObject({
  visitDays: z.int().min(1).max(3650).default(90),
  leadDays: z.int().min(1).max(3650).default(396),
  saltHours: z.int().min(25).max(72).default(48),
  apiKeyDays: z.int().min(1).max(3650).default(365),
  auditDays: z.int().min(30).max(3650).default(365),
  queueRetentionHours: z.int().min(1).max(336).default(24),
  dlqRetentionDays: z.int().min(1).max(14).default(7),
  logRetentionDays: z.int().min(1).max(3653).default(30),
  backupRecoveryDays: z.int().min(1).max(35).default(7),
  /** How long a hidden organisation stays hidden unless shown again (`DELETE …/hidden-organisations/{id}`). */
  hiddenOrganisationDays: z.int().min(30).max(3650).default(1825),
  /** How long a saved dashboard view is kept after it was saved. */
  viewDays: z.int().min(1).max(3650).default(365),
});
export type Retention = z.infer<typeof RetentionSchema>;

export const DEFAULT_RETENTION: Retention = RetentionSchema.parse({});

/** An EventBridge schedule expression: `rate(1 hour)` or `cron(30 2 * * ? *)` (UTC). */
const ScheduleSchema = z
  .string()
  .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/, 'must be an EventBridge schedule expression, e.g. cron(30 2 * * ? *) or rate(1 hour)');

/**
 * The CRM integration (docs/crm.md), `crm` in `cdk.json` context:
 * - `syncSchedule`: when the daily sync copies the CRM's accounts (UTC; the schedule runs in eu-west-1);
 * - `matchSchedule`: how often leads seen since the last sync are matched against the copy;
 * - `copyDays`: how long the synced copy outlives its last sync: a copy that is not refreshed vanishes on its own;
 * - `fullSyncEveryDays`: a full sync (every account, refreshing the whole copy) at least this often, incremental
 *   syncs (accounts changed since the last run) in between; less than `copyDays`, so the copy never lapses;
 * - `leadUrlTemplate`: the link to a lead that a push may write, e.g. `https://leads.example.com/#/{siteId}/{leadId}`.
 */
export const CrmConfigSchema = z
  .strictObject({
    syncSchedule: ScheduleSchema.default('cron(30 2 * * ? *)'),
    matchSchedule: ScheduleSchema.default('rate(1 hour)'),
    copyDays: z.int().min(2).max(30).default(8),
    fullSyncEveryDays: z.int().min(1).max(29).default(6),
    leadUrlTemplate: z
      .string()
      .regex(/^https:\/\/[^\s]*\{leadId\}[^\s]*$/, 'must be an https URL holding {leadId} (and optionally {siteId})')
      .optional(),
  })
  .refine((crm) => crm.fullSyncEveryDays < crm.copyDays, { path: ['fullSyncEveryDays'], message: 'must be less than copyDays, or the copy lapses between full syncs' });
export type CrmConfig = z.infer<typeof CrmConfigSchema>;
export const DEFAULT_CRM_CONFIG: CrmConfig = CrmConfigSchema.parse({});

/**
 * Where the CRMs are. Not configurable in `cdk.json`: the stack always uses the providers' own addresses; the local
 * runtime's tests point them at contract fakes on 127.0.0.1. `pipedrive` holds `{companyDomain}`; a Salesforce
 * instance URL (the customer's My Domain) must end in `salesforceHostSuffix`.
 */
export const CrmEndpointsSchema = z.strictObject({
  hubspot: z.string().min(1).default('https://api.hubapi.com'),
  pipedrive: z.string().min(1).default('https://{companyDomain}.pipedrive.com'),
  salesforceHostSuffix: z.string().min(1).default('.my.salesforce.com'),
});
export type CrmEndpoints = z.infer<typeof CrmEndpointsSchema>;
export const CRM_ENDPOINTS: CrmEndpoints = CrmEndpointsSchema.parse({});

/** What the CRM functions read from their environment (`CRM`). */
export const CrmRuntimeSchema = z.strictObject({
  copyDays: z.int().min(2).max(30),
  fullSyncEveryDays: z.int().min(1).max(29),
  leadUrlTemplate: z.string().optional(),
  endpoints: CrmEndpointsSchema,
});
export type CrmRuntime = z.infer<typeof CrmRuntimeSchema>;
export const crmRuntimeOf = (config: CrmConfig, endpoints: CrmEndpoints = CRM_ENDPOINTS): CrmRuntime => ({
  copyDays: config.copyDays,
  fullSyncEveryDays: config.fullSyncEveryDays,
  ...(config.leadUrlTemplate ? { leadUrlTemplate: config.leadUrlTemplate } : {}),
  endpoints,
});

/** Parses a JSON environment variable with a schema, naming the variable when it is wrong. */
export function parseJsonEnv<T extends z.ZodType>(name: string, raw: string | undefined, schema: T): z.infer<T> {
  if (raw === undefined || raw === '') throw new Error(`Environment variable ${name} is not set`);
  const result = schema.safeParse(JSON.parse(raw));
  if (!result.success) throw new Error(`Environment variable ${name} is invalid: ${z.prettifyError(result.error)}`);
  return result.data;
}
