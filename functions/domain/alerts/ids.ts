import { createHash, randomBytes } from 'node:crypto';

/** Ids of rules and endpoints (random) and of deliveries (from what they deliver, so a redelivery makes the same one). */
export const newConfigId = (): string => randomBytes(10).toString('hex');

/**
 * A delivery id: the time it was made (base 36, fixed width, so ids sort by time and the log reads newest first)
 * and a hash of what makes it unique. The same stream record, rule and endpoint always give the same id.
 */
export function deliveryIdFor(atMs: number, ...parts: readonly string[]): string {
  const time = Math.max(0, Math.floor(atMs)).toString(36).padStart(9, '0');
  return `${time}${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16)}`;
}

/** The Standard Webhooks message id of a delivery: stable across its retries and replays, for receivers to deduplicate. */
export const webhookIdOf = (deliveryId: string): string => `msg_${deliveryId}`;
