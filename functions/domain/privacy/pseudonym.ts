import { createHmac } from 'node:crypto';

/**
 * The visitor pseudonym (docs/architecture.md, as in Plausible): HMAC-SHA256 under the daily salt of the full IP,
 * the user agent and the site. Once the salt is destroyed nobody can link the pseudonym to an address.
 */
export function visitorPseudonym(salt: Uint8Array, fullIp: string, userAgent: string, siteId: string): string {
  return createHmac('sha256', salt).update(`${fullIp}\n${userAgent}\n${siteId}`).digest('hex');
}

/** The UTC day a salt belongs to, `2026-12-04`: its key in the table. */
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);
