import { createHmac } from 'node:crypto';

/**
 * The visitor pseudonym (DESIGN.md, as in Plausible): HMAC-SHA256 under the daily salt of the full IP,
 * the user agent and the site. Once the salt is destroyed nobody can link the pseudonym to an address.
 */
export function visitorPseudonym(salt: Uint8Array, fullIp: string, userAgent: string, siteId: string): string {
  return createHmac('sha256', salt).update(`${fullIp}\n${userAgent}\n${siteId}`).digest('hex');
}
