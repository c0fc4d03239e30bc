import * as z from 'zod';
import { LeadClassSchema } from '../deployment-config';
import { IsoDateTimeSchema } from './common';
import { LocationSchema, MatchSchema, OrganisationSchema } from './leads';
import { CrmStatusSchema } from './crm-lead';

/**
 * Real-time alerts: rules (conditions on a lead and the page views that just changed it, a cool-down and the
 * endpoints to tell) and endpoints (a signed webhook, Slack, Microsoft Teams Workflows or e-mail), as zod schemas:
 * validation, types, the OpenAPI document and its `webhooks` section come from here.
 */

const IdSchema = z.string().regex(/^[a-z0-9]{1,32}$/, 'must be an id as returned by the API');
export const RuleIdSchema = IdSchema;
export const EndpointIdSchema = IdSchema;
export const DeliveryIdSchema = z.string().regex(/^[a-z0-9]{1,40}$/, 'must be a delivery id as returned by the API');

/** A path pattern: `/pricing`, `/pricing/*` (one segment), `/docs/**` (any depth); no query, no fragment. */
export const PathPatternSchema = z
  .string()
  .max(200)
  .regex(/^\/[A-Za-z0-9\-._~%!$&'()+,;=:@/*]*$/, 'must be a path starting with /, with * for one segment and ** for any depth, without query or fragment');

/** What changed a lead, for a rule to fire on (docs/alerts.md "Triggers"). */
export const AlertTriggerSchema = z.enum(['pageview', 'new-organisation', 'returning-organisation', 'new-visit']).describe(
  '`pageview`: any page view of the organisation; `new-organisation`: its first page view ever (or since the lead expired); ' +
    '`returning-organisation`: a new visit of an organisation seen before; `new-visit`: any new visit.',
);
export type AlertTrigger = z.infer<typeof AlertTriggerSchema>;

/**
 * A lead's standing in the connected CRM: its CRM account's `crm.status` (functions/contracts/api/crm-lead.ts), or
 * `unknown` when it has no matched or linked account.
 */
export const CrmStandingSchema = z.enum([...CrmStatusSchema.options, 'unknown']);
export type CrmStanding = z.infer<typeof CrmStandingSchema>;

const CountrySchema = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
  .transform((code) => code.toUpperCase());

export const AlertConditionsSchema = z
  .strictObject({
    organisationClasses: z.array(LeadClassSchema).min(1).max(3).optional().describe('The organisation is one of these classes.'),
    countries: z.array(CountrySchema).min(1).max(250).optional().describe('The lead is located in one of these countries.'),
    minConfidence: z.enum(['low', 'medium', 'high']).optional().describe('The match is at least this confident.'),
    paths: z.array(PathPatternSchema).min(1).max(20).optional().describe('A page view that changed the lead has a path matching one of these.'),
    activity: z
      .strictObject({
        pageviews: z.int().min(1).max(100_000).optional(),
        visits: z.int().min(1).max(10_000).optional(),
        withinHours: z.int().min(1).max(168),
      })
      .refine((activity) => activity.pageviews !== undefined || activity.visits !== undefined, { path: ['pageviews'], message: 'give pageviews or visits' })
      .optional()
      .describe('At least this many page views and/or visits of the organisation within the last hours (1–168).'),
    crmStatus: z.array(CrmStandingSchema).min(1).max(4).optional().describe('The organisation\'s standing in the connected CRM: `customer`, `open-deal`, `known` (an account, neither) or `unknown` (no matched or linked account, or no CRM connected).'),
  })
  .meta({ id: 'AlertConditions' });
export type AlertConditions = z.infer<typeof AlertConditionsSchema>;

export const AlertRuleRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean().default(true),
    trigger: AlertTriggerSchema.default('pageview'),
    conditions: AlertConditionsSchema.default({}),
    cooldownHours: z.int().min(1).max(720).default(24).describe('One organisation fires this rule at most once in this many hours.'),
    endpointIds: z.array(EndpointIdSchema).min(1).max(10).describe('Where to send it: endpoints of this site.'),
  })
  .meta({ id: 'AlertRuleRequest' });
export type AlertRuleRequest = z.infer<typeof AlertRuleRequestSchema>;

export const AlertRuleSchema = AlertRuleRequestSchema.extend({
  ruleId: RuleIdSchema,
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
}).meta({ id: 'AlertRule' });
export type AlertRule = z.infer<typeof AlertRuleSchema>;

export const AlertRuleListSchema = z.object({ items: z.array(AlertRuleSchema) }).meta({ id: 'AlertRuleList' });

/** The lead fields an endpoint may receive; `leadId` and `siteId` always come. Default: all of them. */
export const PAYLOAD_FIELDS = [
  'organisation',
  'organisationClass',
  'match',
  'location',
  'triggerPaths',
  'topPages',
  'visits',
  'pageviews',
  'firstSeenAt',
  'lastSeenAt',
  'link',
] as const;
export const PayloadFieldSchema = z.enum(PAYLOAD_FIELDS);
export type PayloadField = z.infer<typeof PayloadFieldSchema>;

const fields = z.array(PayloadFieldSchema).min(1).max(PAYLOAD_FIELDS.length).optional().describe('Allow-list of lead fields sent; default all.');
const name = z.string().trim().min(1).max(100);
/** A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 random bytes. */
export const WebhookSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, 'must be whsec_ followed by the base64 of 24 to 64 random bytes')
  .refine((secret) => {
    const encoded = secret.slice('whsec_'.length);
    const bytes = Math.floor((encoded.length * 3) / 4) - (encoded.match(/=+$/)?.[0].length ?? 0);
    return bytes >= 24 && bytes <= 64;
  }, 'must be whsec_ followed by the base64 of 24 to 64 random bytes');
const UrlSchema = z.string().max(2048).describe('Write-only: stored encrypted, shown as its last four characters.');

export const AlertEndpointRequestSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('webhook'),
      name,
      url: UrlSchema,
      secret: WebhookSecretSchema.describe('Write-only signing secret (Standard Webhooks); generate one with `echo whsec_$(openssl rand -base64 32)`.'),
      fields,
    }),
    z.strictObject({ kind: z.literal('slack'), name, url: UrlSchema.describe('A Slack incoming webhook URL, https://hooks.slack.com/services/…'), fields }),
    z.strictObject({ kind: z.literal('teams'), name, url: UrlSchema.describe('A Microsoft Teams Workflows webhook URL (Power Automate / Logic Apps).'), fields }),
    z.strictObject({
      kind: z.literal('email'),
      name,
      to: z.array(z.email({ error: 'must be an e-mail address' })).min(1).max(10),
      mode: z.enum(['immediate', 'daily-digest']).default('immediate'),
      fields,
    }),
  ])
  .meta({ id: 'AlertEndpointRequest' });
export type AlertEndpointRequest = z.infer<typeof AlertEndpointRequestSchema>;

export const EndpointKindSchema = z.enum(['webhook', 'slack', 'teams', 'email']);
export type EndpointKind = z.infer<typeof EndpointKindSchema>;

export const AlertEndpointSchema = z
  .object({
    endpointId: EndpointIdSchema,
    kind: EndpointKindSchema,
    name: z.string(),
    status: z.enum(['active', 'disabled']),
    disabledReason: z.string().optional().describe('Why sending stopped, e.g. the receiver answered 410 Gone.'),
    host: z.string().optional().describe('The host the endpoint sends to (webhook, Slack, Teams).'),
    urlLastFour: z.string().optional(),
    secrets: z
      .array(z.object({ lastFour: z.string(), expiresAt: IsoDateTimeSchema.optional() }))
      .optional()
      .describe('The signing secrets in use (webhook): the newest first; an old one stays valid until its expiresAt.'),
    to: z.array(z.string()).optional(),
    mode: z.enum(['immediate', 'daily-digest']).optional(),
    fields: z.array(PayloadFieldSchema).optional(),
    createdAt: IsoDateTimeSchema,
    updatedAt: IsoDateTimeSchema,
  })
  .meta({ id: 'AlertEndpoint' });
export type AlertEndpoint = z.infer<typeof AlertEndpointSchema>;

export const AlertEndpointListSchema = z.object({ items: z.array(AlertEndpointSchema) }).meta({ id: 'AlertEndpointList' });

export const RotateSecretRequestSchema = z
  .strictObject({
    secret: WebhookSecretSchema,
    keepPreviousHours: z.int().min(0).max(168).default(24).describe('How long the previous secret still signs too.'),
  })
  .meta({ id: 'RotateSecretRequest' });

export const DeliveryAttemptSchema = z.object({
  at: IsoDateTimeSchema,
  status: z.int().optional().describe('The HTTP status answered; absent when no answer came.'),
  error: z.string().optional(),
  latencyMs: z.int().min(0).optional(),
});

export const DeliverySchema = z
  .object({
    deliveryId: DeliveryIdSchema,
    endpointId: EndpointIdSchema,
    ruleId: z.string().optional(),
    eventType: z.string(),
    leadId: z.string().optional(),
    status: z.enum(['pending', 'delivered', 'failed', 'abandoned']),
    attempts: z.array(DeliveryAttemptSchema),
    nextAttemptAt: IsoDateTimeSchema.optional(),
    createdAt: IsoDateTimeSchema,
    expiresAt: IsoDateTimeSchema,
  })
  .meta({ id: 'AlertDelivery' });
export type Delivery = z.infer<typeof DeliverySchema>;

export const DeliveryListSchema = z.object({ items: z.array(DeliverySchema), nextCursor: z.string().nullable() }).meta({ id: 'AlertDeliveryList' });
export const DeliveryQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional(),
});

export const TestFireResultSchema = z
  .object({ deliveries: z.array(z.object({ endpointId: z.string(), deliveryId: z.string() })) })
  .meta({ id: 'AlertTestFireResult' });

// The events Eirlead sends, documented in the OpenAPI document's `webhooks` section.

export const AlertLeadSchema = z
  .object({
    leadId: z.string(),
    siteId: z.string(),
    organisation: OrganisationSchema.optional(),
    organisationClass: LeadClassSchema.optional(),
    match: MatchSchema.pick({ source: true, confidence: true }).optional(),
    location: LocationSchema.optional(),
    triggerPaths: z.array(z.string()).optional().describe('Paths of the page views that fired the rule.'),
    topPages: z.array(z.object({ path: z.string(), views: z.int() })).optional(),
    visits: z.int().optional(),
    pageviews: z.int().optional(),
    firstSeenAt: IsoDateTimeSchema.optional(),
    lastSeenAt: IsoDateTimeSchema.optional(),
    link: z.string().optional().describe('The lead in the API (GET, needs a key with leads:read).'),
  })
  .meta({ id: 'AlertLead' });
export type AlertLead = z.infer<typeof AlertLeadSchema>;

export const AlertEventSchema = z
  .object({
    type: z.enum(['alert.fired', 'alert.test']),
    timestamp: IsoDateTimeSchema,
    data: z.object({
      rule: z.object({ ruleId: z.string(), name: z.string() }),
      trigger: AlertTriggerSchema,
      returning: z.boolean().describe('The organisation was seen before this visit.'),
      lead: AlertLeadSchema,
    }),
  })
  .meta({ id: 'AlertEvent', description: 'Organisation-level data only: never a visitor pseudonym, an address or anything about a person.' });
export type AlertEvent = z.infer<typeof AlertEventSchema>;

/** The OpenAPI `webhooks` section: each event type with its body. */
export const WEBHOOK_EVENTS = [
  { name: 'alert.fired', summary: 'A rule matched a lead (signed per Standard Webhooks)', schema: AlertEventSchema },
  { name: 'alert.test', summary: 'Sent by POST …/alert-rules/{ruleId}/test, about an example organisation', schema: AlertEventSchema },
] as const;
