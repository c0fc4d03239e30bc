import ipaddr from 'ipaddr.js';
import type { StoredVisit } from '../leads/model';

/** The GDPR rules of data-subject requests (Art. 15 access, Art. 17 erasure), pure. */

/** What Eirlead never stores, so an access request can say so rather than stay silent. */
export const NOT_STORED = [
  { data: 'full IP address', reason: 'truncated to /24 (IPv4) or /48 (IPv6) in the ingest function before anything is queued' },
  { data: 'User-Agent', reason: 'used only to compute the daily visitor pseudonym, then discarded' },
  { data: 'cookies or device identifiers', reason: 'the snippet sets none' },
  { data: 'page query strings and fragments', reason: 'only URL paths are stored' },
  { data: 'e-mail addresses', reason: 'form events carry the domain only; free-mail domains are discarded' },
] as const;

/** Does a match range (`a.b.c.d/n` or `first-last`) hold the address? */
export function rangeContains(range: string, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  try {
    if (range.includes('/')) {
      const [base, bits] = ipaddr.parseCIDR(range);
      return base.kind() === address.kind() && address.match(base, bits);
    }
    const [first, last] = range.split('-').map((part) => ipaddr.parse(part.trim()));
    if (!first || !last || first.kind() !== address.kind()) return false;
    const value = bytesToBigInt(address.toByteArray());
    return bytesToBigInt(first.toByteArray()) <= value && value <= bytesToBigInt(last.toByteArray());
  } catch {
    return false;
  }
}

const bytesToBigInt = (bytes: number[]): bigint => bytes.reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);

/**
 * Could this visit stem from the data subject? It must fall in the window and come from the subject's own truncated
 * network (not merely from the organisation's range); when the day's pseudonym of the subject is known (its salt
 * still exists and the User-Agent was given), it must be the subject's own visit.
 */
export function isSubjectVisit(
  visit: Pick<StoredVisit, 'startedAt' | 'endedAt' | 'network' | 'visitorId'>,
  subject: { readonly network: string; readonly from: string; readonly to: string; readonly pseudonym?: string },
): boolean {
  if (visit.network !== subject.network) return false;
  if (!(visit.startedAt < subject.to && visit.endedAt >= subject.from)) return false;
  return subject.pseudonym === undefined || visit.visitorId === subject.pseudonym;
}
