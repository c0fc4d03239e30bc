import type { IpIntel } from '../ip-intel';
import { isLeadClass } from '../ip-intel';
import { type Identified, leadIdFor } from './aggregate';

export type Identification =
  | { kind: 'lead'; lead: Identified & { leadId: string } }
  | { kind: 'dropped'; reason: string };

/**
 * Which organisation a network belongs to, and whether it may become a lead: carriers, clouds and
 * unknown networks never do, so a home or mobile visitor is never mistaken for a company.
 */
export function identify(ipIntel: IpIntel, siteId: string, network: string): Identification {
  const match = ipIntel.lookupOrganisation(network);
  if (!match) return { kind: 'dropped', reason: 'unknown-network' };
  if (!isLeadClass(match.networkClass)) return { kind: 'dropped', reason: match.networkClass };
  return {
    kind: 'lead',
    lead: {
      siteId,
      leadId: leadIdFor(siteId, `asn:${match.asn}`),
      organisation: { name: match.name, asn: match.asn },
      match: { source: 'asn-registry', confidence: match.confidence, network: match.network },
      location: ipIntel.locate(network),
    },
  };
}
