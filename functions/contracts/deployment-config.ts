import { z } from 'zod';

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

/** Parses a JSON environment variable with a schema, naming the variable when it is wrong. */
export function parseJsonEnv<T extends z.ZodType>(name: string, raw: string | undefined, schema: T): z.infer<T> {
  if (raw === undefined || raw === '') throw new Error(`Environment variable ${name} is not set`);
  const result = schema.safeParse(JSON.parse(raw));
  if (!result.success) throw new Error(`Environment variable ${name} is invalid: ${z.prettifyError(result.error)}`);
  return result.data;
}
