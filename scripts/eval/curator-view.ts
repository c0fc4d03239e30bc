/**
 * What a curator judges a holder from (docs/classification.md, curation protocols): the registered name, the
 * country of its largest IPv4 range (DB-IP), its IPv4 addresses and ranges, and whether it announces IPv6.
 * Shared by the first pass's worklist and the second review's.
 */
import { loadIpIntel } from '../../functions/domain/ip-intel';
import { structureByAsn, type ArtefactClasses } from './holders';
import { csvField } from '../build/csv';

export interface CuratorRow {
  readonly asn: number;
  readonly name: string;
  readonly country: string;
  readonly ipv4: number;
  readonly ranges: number;
  readonly ipv6: boolean;
}

export const CURATOR_HEADER = 'asn,name,country,ipv4_addresses,ranges,has_ipv6';

export const curatorLine = (row: CuratorRow): string =>
  [row.asn, row.name, row.country, row.ipv4, row.ranges, row.ipv6].map(csvField).join(',');

const dotted = (address: number): string => [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');

/** A view of every holder in the artefact, by AS number. */
export function curatorViews(classes: ArtefactClasses, dataDir: string): Map<number, CuratorRow> {
  const structure = structureByAsn(classes);
  const intel = loadIpIntel(dataDir);
  const largestRange = new Map<number, { first: number; last: number }>();
  for (let i = 0; i < classes.table.counts.v4; i++) {
    const { org, first, last } = classes.table.rangeV4(i);
    const { asn } = classes.table.organisation(org);
    const current = largestRange.get(asn);
    if (!current || last - first > current.last - current.first) largestRange.set(asn, { first, last });
  }
  const views = new Map<number, CuratorRow>();
  for (const [asn, holder] of classes.byAsn) {
    const s = structure.get(asn);
    const range = largestRange.get(asn);
    // A /24 inside the largest range: where the holder's space is.
    const network = range ? `${dotted((range.first & 0xffffff00) >>> 0)}/24` : undefined;
    const country = network ? intel.locate(network).country : 'ZZ';
    views.set(asn, { asn, name: holder.name, country, ipv4: s?.ipv4Addresses ?? 0, ranges: s?.ipv4Ranges ?? 0, ipv6: s?.ipv6Prefix !== undefined });
  }
  return views;
}
