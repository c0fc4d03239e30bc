import { z } from 'zod';
import { SiteIdSchema } from '../deployment-config';

/**
 * The public HTTP API v1 (DESIGN.md), as zod schemas: handlers validate with them, types are inferred
 * from them, and the OpenAPI document is generated from them.
 */

export const MAX_EVENTS_BODY_BYTES = 16 * 1024;
export const MAX_EVENTS_PER_REQUEST = 25;

/** Lone UTF-16 surrogates (JSON lets a client escape one) are not text; stored as-is they break UTF-8 consumers. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0/C1 controls, and bidirectional overrides, which make a title read differently from what it holds. */
const CONTROL_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** One spelling per text (NFC), so equal titles and paths aggregate as equal. */
export const normaliseText = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC');
export const cleanText = (text: string): string => normaliseText(text).replace(CONTROL_CHARACTERS, '');

// `overwrite` keeps these plain strings in the OpenAPI document, which a `transform` would not.
const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048).overwrite(normaliseText);
const IsoDateTimeSchema = z.iso.datetime({ offset: true });

const EventBase = {
  id: z.uuid().describe('Client-generated UUID; the deduplication key of the event.'),
  url: HttpUrlSchema.describe("The page URL; its host must be one of the site's allowed origins' hosts."),
  referrer: HttpUrlSchema.optional(),
  title: z.string().max(300).overwrite(cleanText).optional().describe('Control characters are removed.'),
  occurredAt: IsoDateTimeSchema.optional().describe('When it happened; defaults to when it was received.'),
};

export const PageviewEventSchema = z.strictObject({ type: z.literal('pageview'), ...EventBase });
export const EngagementEventSchema = z.strictObject({
  type: z.literal('engagement'),
  ...EventBase,
  engagedMs: z.int().min(0).max(24 * 3600 * 1000).describe('Time the page was visible and active, in ms.'),
});
export const FormEventSchema = z.strictObject({
  type: z.literal('form'),
  ...EventBase,
  emailDomain: z
    .string()
    .max(253)
    .regex(/^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})+$/i, 'must be a domain name only, never an address')
    .describe('The domain part of an e-mail address entered in a form; never the address.'),
});

export const TrackedEventSchema = z
  .discriminatedUnion('type', [PageviewEventSchema, EngagementEventSchema, FormEventSchema])
  .meta({ id: 'TrackedEvent' });
export type TrackedEvent = z.infer<typeof TrackedEventSchema>;

export const IngestRequestSchema = z
  .strictObject({
    siteId: SiteIdSchema,
    events: z.array(TrackedEventSchema).min(1).max(MAX_EVENTS_PER_REQUEST),
    sentAt: IsoDateTimeSchema.optional().describe(
      "When the client sent the request, by its own clock. With it, events' occurredAt are corrected for the " +
        "client clock's error: occurredAt + (time received − sentAt).",
    ),
  })
  .meta({ id: 'IngestRequest' });
export type IngestRequest = z.infer<typeof IngestRequestSchema>;

export const IngestResponseSchema = z
  .object({ accepted: z.int().min(0).describe('Events queued for enrichment.') })
  .meta({ id: 'IngestResponse' });

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

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
