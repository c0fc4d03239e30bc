import * as z from 'zod';
import { SiteIdSchema } from './deployment-config';

/**
 * What the alerts function and the alerts API put on the delivery queue: which delivery to make, by its key in the
 * delivery log. The body to send is in the log item (organisation-level data only), never in the message, so a
 * replay sends exactly what the log shows.
 */
export const DeliveryMessageSchema = z.strictObject({
  siteId: SiteIdSchema,
  endpointId: z.string().regex(/^[a-z0-9]{1,32}$/),
  deliveryId: z.string().regex(/^[a-z0-9]{1,40}$/),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessageSchema>;

/** Receives of a delivery message before it goes to the DLQ: its eight attempts and room for lost lease races. */
export const DELIVERY_MAX_RECEIVE_COUNT = 15;

/** How long the delivery queue keeps a message: the retry schedule's 27.5 hours and a margin. */
export const DELIVERY_QUEUE_RETENTION_HOURS = 48;

/** The scheduled event that starts the daily digests (EventBridge on AWS, a timer locally). */
export const DigestRunSchema = z.strictObject({ run: z.literal('daily-digest'), day: z.iso.date().optional() });
export type DigestRun = z.infer<typeof DigestRunSchema>;
