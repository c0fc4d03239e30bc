import * as z from 'zod';
import { SiteIdSchema } from '../deployment-config';
import { cleanText, IsoDateTimeSchema, normaliseText } from './common';

/**
 * `POST /v1/events`, the public route browsers call (docs/api.md), as zod schemas: the ingest function validates
 * with them, types are inferred from them, and the OpenAPI document is generated from them.
 */

export const MAX_EVENTS_BODY_BYTES = 16 * 1024;
export const MAX_EVENTS_PER_REQUEST = 25;

// `overwrite` keeps these plain strings in the OpenAPI document, which a `transform` would not.
const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048).overwrite(normaliseText);

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

