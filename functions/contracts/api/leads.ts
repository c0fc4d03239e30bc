import * as z from 'zod';
import { LeadClassSchema, SiteIdSchema } from '../deployment-config';
import { IsoDateTimeSchema } from './common';
import { CrmFilterSchema, CrmLeadViewSchema } from './crm-lead';

/** The leads API's resources and queries, as zod schemas: validation, types and the OpenAPI document. */

export const LocationSchema = z
  .object({
    country: z.string().length(2).describe('ISO 3166-1 alpha-2; ZZ when unknown.'),
    region: z.string().optional(),
    city: z.string().optional(),
  })
  .meta({ id: 'Location' });
export type Location = z.infer<typeof LocationSchema>;

export const ConfidenceSchema = z.enum(['high', 'medium', 'low']);

export const MatchSchema = z
  .object({
    source: z.enum(['asn-registry', 'override', 'form-domain']).describe('Which data named the organisation.'),
    confidence: ConfidenceSchema,
    network: z.string().describe('The address range that matched, e.g. 193.16.0.0/16 or a first-last range.'),
    reason: z
      .string()
      .optional()
      .describe(
        'Which rule or data decided, in words: e.g. "curated: company: …", "name rule: …", "range configured by you", ' +
          'or "domain typed by the visitor into a form; not verified".',
      ),
    class: LeadClassSchema.optional().describe(
      "The class of the organisation's network (asn-registry matches; leads first seen before this field existed have none).",
    ),
  })
  .meta({ id: 'Match' });
export type Match = z.infer<typeof MatchSchema>;

export const OrganisationSchema = z
  .object({
    name: z.string(),
    domain: z.string().optional(),
    asn: z.int().optional(),
    country: z.string().length(2).optional(),
  })
  .meta({ id: 'Organisation' });
export type Organisation = z.infer<typeof OrganisationSchema>;

export const PageSchema = z.object({ path: z.string(), title: z.string().optional(), at: IsoDateTimeSchema });

export const VisitSchema = z
  .object({
    visitId: z.string(),
    startedAt: IsoDateTimeSchema,
    endedAt: IsoDateTimeSchema,
    referrer: z.string().optional(),
    pages: z.array(PageSchema),
    location: LocationSchema,
  })
  .meta({ id: 'Visit' });
export type Visit = z.infer<typeof VisitSchema>;

export const LeadSchema = z
  .object({
    leadId: z.string(),
    siteId: SiteIdSchema,
    organisation: OrganisationSchema,
    match: MatchSchema,
    location: LocationSchema,
    firstSeenAt: IsoDateTimeSchema,
    lastSeenAt: IsoDateTimeSchema,
    visits: z.int().min(0),
    pageviews: z.int().min(0),
    engagedSeconds: z.int().min(0),
    topPages: z.array(z.object({ path: z.string(), views: z.int().min(1) })),
    expiresAt: IsoDateTimeSchema.describe('When this lead is deleted unless seen again.'),
    crm: CrmLeadViewSchema.optional().describe('The account in the connected CRM this lead is matched or linked to (docs/crm.md).'),
  })
  .meta({ id: 'Lead' });
export type Lead = z.infer<typeof LeadSchema>;

export const LeadWithVisitsSchema = LeadSchema.extend({ visits: z.array(VisitSchema) }).meta({ id: 'LeadWithVisits' });
export type LeadWithVisits = z.infer<typeof LeadWithVisitsSchema>;

export const LeadListSchema = z
  .object({ items: z.array(LeadSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'LeadList' });
export type LeadList = z.infer<typeof LeadListSchema>;

export const LeadIdSchema = z.string().regex(/^[a-z0-9]{1,64}$/, 'must be a lead id as returned by the API');

export const SitePathSchema = z.object({ siteId: SiteIdSchema });
export const LeadPathSchema = z.object({ siteId: SiteIdSchema, leadId: LeadIdSchema });

const MAX_MINIMUM = 999_999_999;
/** A count filter as a query string carries it: digits only, so `1e3`, `-1` and `0x10` are refused naming the field. */
const QueryMinimumSchema = z.string().regex(/^\d{1,9}$/, `must be a whole number from 0 to ${MAX_MINIMUM}`).transform(Number);
const BodyMinimumSchema = z.int().min(0).max(MAX_MINIMUM);

/**
 * The filters the leads list (query string) and exports (JSON body) share. Each is a DynamoDB filter over
 * attributes the index already projects (functions/contracts/table.ts LEAD_INDEX_ATTRIBUTES): none adds to the
 * index entry.
 */
const leadFilterFields = <M extends z.ZodType<number>>(minimum: M) => ({
  since: IsoDateTimeSchema.optional().describe('Only leads last seen at or after this time.'),
  until: IsoDateTimeSchema.optional().describe('Only leads last seen before this time.'),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .overwrite((value) => value.toUpperCase())
    .optional()
    .describe("Only leads located in this country (ISO 3166-1 alpha-2, the lead's location)."),
  class: LeadClassSchema.optional().describe("Only leads whose organisation's network is of this class (`match.class`)."),
  confidence: ConfidenceSchema.optional().describe('Only leads matched with this confidence (`match.confidence`).'),
  minVisits: minimum.optional().describe('Only leads with at least this many visits.'),
  minPageviews: minimum.optional().describe('Only leads with at least this many page views.'),
  path: z
    .string()
    .regex(/^\/[^\s?#]{0,511}$/, 'must be a path starting with / (no query or fragment), at most 512 characters')
    .optional()
    .describe('Only leads that viewed this exact path, among the 15 most viewed paths kept per lead (topPages shows the first 10).'),
});
const untilAfterSince = (query: { since?: string | undefined; until?: string | undefined }): boolean =>
  !query.since || !query.until || Date.parse(query.since) < Date.parse(query.until);
const UNTIL_ISSUE = { path: ['until'], message: 'must be after since' };

export const LeadFiltersSchema = z.strictObject(leadFilterFields(BodyMinimumSchema)).refine(untilAfterSince, UNTIL_ISSUE).meta({ id: 'LeadFilters' });
export type LeadFilters = z.infer<typeof LeadFiltersSchema>;

export const ListLeadsQuerySchema = z
  .strictObject({
    ...leadFilterFields(QueryMinimumSchema),
    crm: CrmFilterSchema.optional().describe(
      'Only leads by their account in the connected CRM: `customer`, `open-deal` or `known` (its status), `any` (matched or linked to an account) or `none`.',
    ),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(2048).optional(),
  })
  .refine(untilAfterSince, UNTIL_ISSUE);
export type ListLeadsQuery = z.infer<typeof ListLeadsQuerySchema>;
