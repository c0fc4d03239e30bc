/**
 * Classes belong to organisations, not to AS numbers: a carrier's tenth AS number is as much a carrier as its
 * first, even when only the first is on a list. Holders whose names fold to the same organisation key
 * (names.ts `organisationKey`) are one organisation, and the most trusted evidence about the organisation among
 * its AS numbers (a curated row, an open list, a brand) decides for all of them. At equal trust, the AS number
 * holding the most IPv4 addresses speaks for the organisation. Name rules and structure are not shared: they
 * speak about one registered name or one AS number's routing, and siblings with the same name get the same name
 * rule anyway.
 *
 * Evidence about the AS number itself that is more trusted than an inference from its siblings stays: a curated
 * row, an open list naming it, a brand its name carries (China Telecom's cloud AS number is on a hosting list;
 * its access networks stay carriers). That is also how a mixed organisation keeps its corporate network a lead
 * while its cloud is hosting: the curators give the corporate AS number its own row. Facts (reserved numbers,
 * no holder named) are never shared.
 */
import { TRUST, type Evidence, type Trust } from './classify';

export interface OrganisationMember {
  readonly asn: number;
  /** organisationKey(name); '' when the name is only legal forms (never grouped). */
  readonly key: string;
  readonly ipv4Addresses: number;
  readonly evidence: Evidence;
}

const rank = (e: Evidence): number => TRUST.indexOf(e.trust);
const keepsOwn = (e: Evidence): boolean => rank(e) < TRUST.indexOf('organisation');
/** Evidence about the organisation, which its other AS numbers share. */
const SHARED: ReadonlySet<Trust> = new Set<Trust>(['curated', 'open list', 'brand']);

/** The evidence each member ends with, in input order. */
export function shareAcrossOrganisations(members: readonly OrganisationMember[]): Evidence[] {
  const best = new Map<string, OrganisationMember>();
  for (const m of members) {
    if (m.key === '' || !SHARED.has(m.evidence.trust)) continue;
    const current = best.get(m.key);
    if (current === undefined || outranks(m, current)) best.set(m.key, m);
  }
  return members.map((m) => {
    const leader = m.key === '' ? undefined : best.get(m.key);
    if (leader === undefined || leader === m || keepsOwn(m.evidence)) return m.evidence;
    return {
      networkClass: leader.evidence.networkClass,
      trust: 'organisation',
      reason: `organisation: same as AS${leader.asn} (${leader.evidence.reason})`,
    };
  });
}

function outranks(a: OrganisationMember, b: OrganisationMember): boolean {
  const ra = rank(a.evidence);
  const rb = rank(b.evidence);
  if (ra !== rb) return ra < rb;
  if (a.ipv4Addresses !== b.ipv4Addresses) return a.ipv4Addresses > b.ipv4Addresses;
  return a.asn < b.asn;
}
