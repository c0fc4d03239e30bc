import { z } from 'zod';
import { SiteIdSchema } from '../deployment-config';
import { IsoDateTimeSchema } from './common';

/** The leads API's resources and queries, as zod schemas: validation, types and the OpenAPI document. */

export const LocationSchema = z
  .object({
    country: z.string().length(2).describe('ISO 3166-1 alpha-2; ZZ when unknown.'),
    region: z.string().optional(),
    city: z.string().optional(),
  })
  .meta({ id: 'Location' });
export type Location = z.infer<typeof LocationSchema>;

export const MatchSchema = z
  .object({
    source: z.enum(['asn-registry', 'override', 'form-domain']).describe('Which data named the organisation.'),
    confidence: z.enum(['high', 'medium', 'low']),
    network: z.string().describe('The address range that matched, e.g. 193.16.0.0/16 or a first-last range.'),
    reason: z
      .string()
      .optional()
      .describe(
        'Which rule or data decided, in words: e.g. "curated: company: …", "name rule: …", "range configured by you", ' +
          'or "domain typed by the visitor into a form; not verified".',
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

export const ListLeadsQuerySchema = z
  .strictObject({
    since: IsoDateTimeSchema.optional().describe('Only leads last seen at or after this time.'),
    until: IsoDateTimeSchema.optional().describe('Only leads last seen before this time.'),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
      .transform((value) => value.toUpperCase())
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(2048).optional(),
  })
  .refine((query) => !query.since || !query.until || Date.parse(query.since) < Date.parse(query.until), {
    path: ['until'],
    message: 'must be after since',
  });
export type ListLeadsQuery = z.infer<typeof ListLeadsQuerySchema>;
