import * as z from 'zod';
import { IsoDateTimeSchema } from './api/common';
import { SiteIdSchema } from './deployment-config';

/**
 * What the ingest function puts on the queue: one message per accepted request, already minimised. It carries the
 * truncated network (IPv4 /24, IPv6 /48), never the full address; the visitor pseudonym; and each event with only
 * what is stored: the page's path (no query string, fragment or credentials), the referrer's scheme, host and path,
 * and a title without e-mail addresses or long digit runs (functions/domain/privacy/minimise.ts). Queue and DLQ
 * keep a message for a day and a week; nothing they hold may be more than the table holds.
 */
const QueuedEventBase = {
  /** The client's event id (a UUID), the deduplication key. */
  id: z.uuid(),
  path: z.string().min(1).max(512),
  referrer: z.string().max(512).optional(),
  title: z.string().max(300).optional(),
  /** Set by the ingest function, corrected for the client clock's error. */
  occurredAt: IsoDateTimeSchema,
};

export const QueuedEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('pageview'), ...QueuedEventBase }),
  z.strictObject({ type: z.literal('engagement'), ...QueuedEventBase, engagedMs: z.int().min(0).max(24 * 3600 * 1000) }),
  z.strictObject({ type: z.literal('form'), ...QueuedEventBase, emailDomain: z.string().max(253) }),
]);
export type QueuedEvent = z.infer<typeof QueuedEventSchema>;

export const QueuedRequestSchema = z.strictObject({
  /** 2: events minimised before queueing (1 carried the client's full URLs). */
  version: z.literal(2),
  siteId: SiteIdSchema,
  receivedAt: z.iso.datetime({ offset: true }),
  /** Truncated network in CIDR form, e.g. `193.16.4.0/24` or `2001:db8:1::/48`. */
  network: z.string().regex(/^[0-9a-f.:]+\/(24|48)$/),
  /** HMAC-SHA256 pseudonym under the daily salt, hex; groups page views into visits for one day at most. */
  visitorId: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * Whether a browser sent it from one of the site's allowed origins (an `Origin` header the site allows). Requests
   * without one come from servers and scripts; a domain typed into a form names an organisation only with it.
   */
  fromSiteOrigin: z.boolean(),
  /** The API request id, so that the enrichment's log lines can be joined to the ingest's. */
  correlationId: z.string().max(128).optional(),
  events: z.array(QueuedEventSchema).min(1),
});
export type QueuedRequest = z.infer<typeof QueuedRequestSchema>;
