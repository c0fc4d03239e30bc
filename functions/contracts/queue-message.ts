import { z } from 'zod';
import { TrackedEventSchema } from './api/events';
import { SiteIdSchema } from './deployment-config';

/**
 * What the ingest function puts on the queue: one message per accepted request. It carries the
 * truncated network (IPv4 /24, IPv6 /48), never the full address, and the visitor pseudonym.
 */
export const QueuedRequestSchema = z.strictObject({
  version: z.literal(1),
  siteId: SiteIdSchema,
  receivedAt: z.iso.datetime({ offset: true }),
  /** Truncated network in CIDR form, e.g. `193.16.4.0/24` or `2001:db8:1::/48`. */
  network: z.string().regex(/^[0-9a-f.:]+\/(24|48)$/),
  /** HMAC-SHA256 pseudonym under the daily salt, hex; groups page views into visits for one day at most. */
  visitorId: z.string().regex(/^[0-9a-f]{64}$/),
  /** The API request id, so that the enrichment's log lines can be joined to the ingest's. */
  correlationId: z.string().max(128).optional(),
  /** Events with `occurredAt` always set by the ingest function. */
  events: z.array(TrackedEventSchema).min(1),
});
export type QueuedRequest = z.infer<typeof QueuedRequestSchema>;
