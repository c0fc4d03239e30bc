/**
 * The classes the built artefact gives, read the way the Lambda reads them (AsnTable.classOf on asn.bin), by AS
 * number for the evaluation set, and summed over the table for the class mix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnTable } from '../../functions/domain/ip-intel/asn-table';
import { ASN_FILE } from '../../functions/domain/ip-intel/format';
import { NETWORK_CLASSES, type NetworkClass } from '../../functions/domain/ip-intel/types';
import { score, type Decision, type LabelledHolder, type Score } from './metrics';

export interface HolderClass {
  readonly org: number;
  readonly name: string;
  readonly networkClass: NetworkClass;
  readonly reason: string;
}

export interface ArtefactClasses {
  readonly table: AsnTable;
  /** The holder's own entry per AS number (not the range-level iCloud Private Relay entries added after it). */
  readonly byAsn: ReadonlyMap<number, HolderClass>;
}

export function loadArtefactClasses(dataDir: string): ArtefactClasses {
  const table = new AsnTable(readFileSync(join(dataDir, ASN_FILE)));
  const byAsn = new Map<number, HolderClass>();
  for (let org = 0; org < table.counts.organisations; org++) {
    const { asn, name } = table.organisation(org);
    if (byAsn.has(asn)) continue;
    byAsn.set(asn, { org, name, ...table.classOf(org) });
  }
  return { table, byAsn };
}

export interface Judged {
  readonly holder: LabelledHolder;
  /** undefined when the AS number is not in the artefact (never a lead). */
  readonly found: HolderClass | undefined;
  readonly decision: Decision;
}

/** Decisions for the labelled holders, `unclear` ones left out (PROTOCOL.md). */
export function judge(labels: readonly LabelledHolder[], classes: ArtefactClasses): Judged[] {
  return labels
    .filter((h) => h.label !== 'unclear')
    .map((holder) => {
      const found = classes.byAsn.get(holder.asn);
      return { holder, found, decision: { lead: found?.networkClass === 'business', wanted: holder.label === 'company' } };
    });
}

/** The source that decided a class, from its reason ("curated: …" -> "curated"). */
export function sourceOf(reason: string | undefined): string {
  if (reason === undefined) return 'absent';
  const source = /^(curated|open list|organisation|brand|structure|name rule|no rule matched|range)/.exec(reason)?.[1];
  return source ?? 'fact';
}

export function scoreBy(judged: readonly Judged[], key: (j: Judged) => string): Map<string, Score> {
  const groups = new Map<string, Decision[]>();
  for (const j of judged) {
    const k = key(j);
    groups.set(k, [...(groups.get(k) ?? []), j.decision]);
  }
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, d]) => [k, score(d)]));
}

export interface ClassMix {
  /** Holders (AS numbers) per class. */
  readonly holders: Record<NetworkClass, number>;
  /** Announced IPv4 addresses per class (iCloud Private Relay pieces counted in their own class). */
  readonly ipv4: Record<NetworkClass, number>;
}

export function classMix({ table, byAsn }: ArtefactClasses): ClassMix {
  const zero = (): Record<NetworkClass, number> =>
    Object.fromEntries(NETWORK_CLASSES.map((c) => [c, 0])) as Record<NetworkClass, number>;
  const holders = zero();
  for (const h of byAsn.values()) holders[h.networkClass]++;
  const ipv4 = zero();
  const classOfOrg = new Map<number, NetworkClass>();
  for (let i = 0; i < table.counts.v4; i++) {
    const { org, first, last } = table.rangeV4(i);
    let c = classOfOrg.get(org);
    if (c === undefined) {
      c = table.classOf(org).networkClass;
      classOfOrg.set(org, c);
    }
    ipv4[c] += last - first + 1;
  }
  return { holders, ipv4 };
}

export interface Structure {
  readonly ipv4Addresses: number;
  readonly ipv4Ranges: number;
  /** Prefix length of the largest IPv6 range; undefined without IPv6. */
  readonly ipv6Prefix: number | undefined;
}

/** What the routing data says about each AS number (all its ranges), as the build's structural rule sees it. */
export function structureByAsn({ table, byAsn }: ArtefactClasses): Map<number, Structure> {
  const orgToAsn = new Map<number, number>();
  for (let org = 0; org < table.counts.organisations; org++) orgToAsn.set(org, table.organisation(org).asn);
  const acc = new Map<number, { ipv4Addresses: number; ipv4Ranges: number; largestV6: bigint }>();
  const entry = (asn: number) => {
    let e = acc.get(asn);
    if (e === undefined) acc.set(asn, (e = { ipv4Addresses: 0, ipv4Ranges: 0, largestV6: 0n }));
    return e;
  };
  for (let i = 0; i < table.counts.v4; i++) {
    const { org, first, last } = table.rangeV4(i);
    const e = entry(orgToAsn.get(org)!);
    e.ipv4Addresses += last - first + 1;
    e.ipv4Ranges++;
  }
  for (let i = 0; i < table.counts.v6; i++) {
    const { org, first, last } = table.rangeV6(i);
    const e = entry(orgToAsn.get(org)!);
    if (last - first + 1n > e.largestV6) e.largestV6 = last - first + 1n;
  }
  const result = new Map<number, Structure>();
  for (const asn of byAsn.keys()) {
    const e = acc.get(asn) ?? { ipv4Addresses: 0, ipv4Ranges: 0, largestV6: 0n };
    const ipv6Prefix = e.largestV6 === 0n ? undefined : 64 - (e.largestV6.toString(2).length - 1);
    result.set(asn, { ipv4Addresses: e.ipv4Addresses, ipv4Ranges: e.ipv4Ranges, ipv6Prefix });
  }
  return result;
}
