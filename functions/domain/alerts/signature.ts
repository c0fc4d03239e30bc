import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the receiver gets `webhook-id`,
 * `webhook-timestamp` (epoch seconds) and `webhook-signature`, `v1,` and the base64 HMAC-SHA256 of
 * `{id}.{timestamp}.{body}` under the secret's bytes (the base64 after `whsec_`). While a rotated secret is still
 * valid both sign, space-separated, so receivers holding either verify. The id and the timestamp are signed, so a
 * captured request cannot be replayed later or as another message (receivers reject old timestamps).
 */
export const SECRET_PREFIX = 'whsec_';

const secretBytes = (secret: string): Buffer => Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');

export function signature(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function webhookHeaders(secrets: readonly string[], id: string, timestamp: number, body: string): Record<string, string> {
  if (secrets.length === 0) throw new Error('A webhook needs at least one signing secret');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => signature(secret, id, timestamp, body)).join(' '),
  };
}

/** What a receiver does (docs/alerts.md shows it): any listed signature matches, and the timestamp is recent. */
export function verifySignature(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, headers.id, timestamp, body));
  return headers.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
