/**
 * The class of every holder in asn.bin, decided once at build time: the classifier's evidence for each holder
 * (functions/domain/ip-intel/classify.ts), then one class per organisation (organisation.ts), then the range-level
 * exception of iCloud Private Relay. Each class is stored with its reason, so the Lambda can say which source
 * decided it without running a single rule.
 */
import { createClassifier, TRUST, type ClassificationRules, type Evidence, type HolderStructure } from '../../functions/domain/ip-intel/classify';
import { organisationKey } from '../../functions/domain/ip-intel/names';
import { shareAcrossOrganisations } from '../../functions/domain/ip-intel/organisation';
import type { NetworkClass } from '../../functions/domain/ip-intel/types';

export interface HolderRanges {
  readonly asns: readonly number[];
  readonly names: readonly string[];
  readonly v4: { readonly start: readonly number[]; readonly end: readonly number[]; readonly org: readonly number[] };
  /** Upper 64 bits of each IPv6 range's bounds. */
  readonly v6: { readonly start: readonly bigint[]; readonly end: readonly bigint[]; readonly org: readonly number[] };
}

export interface HolderClasses {
  readonly classes: NetworkClass[];
  /** Index into `reasons`, per organisation. */
  readonly reasonIndex: number[];
  readonly reasons: string[];
  readonly decidedBy: Record<string, number>;
}

/**
 * Apple publishes these egress ranges: each address is shared by many real users, whose organisation Apple hides
 * on purpose. Not hosting (the users are people, not servers), and never a lead.
 */
export const PRIVATE_RELAY: Evidence = {
  networkClass: 'unknown',
  trust: 'range',
  reason: 'range: Apple iCloud Private Relay egress (real users, organisation hidden)',
};

/** IPv4 addresses and ranges, and the largest IPv6 range, of each of the first `count` organisations. */
export function holderStructures(h: HolderRanges, count: number): HolderStructure[] {
  const addresses = new Float64Array(count);
  const ranges = new Uint32Array(count);
  const largestV6 = new Array<bigint>(count).fill(0n);
  for (let i = 0; i < h.v4.start.length; i++) {
    const org = h.v4.org[i]!;
    addresses[org]! += h.v4.end[i]! - h.v4.start[i]! + 1;
    ranges[org]!++;
  }
  for (let i = 0; i < h.v6.start.length; i++) {
    const org = h.v6.org[i]!;
    const size = h.v6.end[i]! - h.v6.start[i]! + 1n;
    if (size > largestV6[org]!) largestV6[org] = size;
  }
  return Array.from({ length: count }, (_, org) => ({
    ipv4Addresses: addresses[org]!,
    ipv4Ranges: ranges[org]!,
    // Sizes are counted in /64s: a /32 holds 2^32 of them.
    ipv6Prefix: largestV6[org]! === 0n ? undefined : 64 - (largestV6[org]!.toString(2).length - 1),
  }));
}

export function classifyHolders(
  h: HolderRanges,
  count: number,
  relayOf: ReadonlyMap<number, number>,
  rules: ClassificationRules,
): HolderClasses {
  const classify = createClassifier(rules);
  const structures = holderStructures(h, count);
  const keys = Array.from({ length: count }, (_, org) => organisationKey(h.names[org]!));
  const asnsOf = new Map<string, Set<number>>();
  keys.forEach((key, org) => asnsOf.set(key, (asnsOf.get(key) ?? new Set()).add(h.asns[org]!)));
  const own = structures.map((structure, org) =>
    classify(h.asns[org]!, h.names[org]!, { ...structure, organisationAsns: keys[org] === '' ? 1 : asnsOf.get(keys[org]!)!.size }),
  );
  const shared = shareAcrossOrganisations(
    own.map((evidence, org) => ({
      asn: h.asns[org]!,
      key: keys[org]!,
      ipv4Addresses: structures[org]!.ipv4Addresses,
      evidence,
    })),
  );
  const all: Evidence[] = [...shared];
  for (let org = count; org < h.asns.length; org++) {
    if (!relayOf.has(org)) throw new Error(`organisation ${org} was added after the count but is no relay entry`);
    all.push(PRIVATE_RELAY);
  }

  const reasons: string[] = [];
  const reasonNumber = new Map<string, number>();
  const decidedBy: Record<string, number> = Object.fromEntries(TRUST.map((t) => [t, 0]));
  const reasonIndex = all.map((e) => {
    decidedBy[e.trust] = (decidedBy[e.trust] ?? 0) + 1;
    let i = reasonNumber.get(e.reason);
    if (i === undefined) {
      i = reasons.length;
      reasons.push(e.reason);
      reasonNumber.set(e.reason, i);
    }
    return i;
  });
  return { classes: all.map((e) => e.networkClass), reasonIndex, reasons, decidedBy };
}
