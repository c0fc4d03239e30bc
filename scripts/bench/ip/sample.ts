/** The seeded networks both readers are asked about, IPv4 /24s and IPv6 /48s. */
import { type AsnTable, NO_RANGE, SPLIT } from '../../../functions/domain/ip-intel/asn-table';
import { formatIPv4, formatIPv6 } from '../../../functions/domain/ip-intel/cidr';

export const SEED = 0x5eed_1b;
export const V4_COUNT = 200_000;
export const V6_COUNT = 100_000;
/** Share of networks drawn from space no range covers (an office behind a small, unannounced provider). */
const UNANNOUNCED_SHARE = 0.1;

export interface Sample {
  /** What lookupOrganisation gets: the truncated network, as the queue message carries it. */
  readonly networks: string[];
  /** What the maxmind Reader gets: the network's first address, as `locate()` passes it. */
  readonly addresses: string[];
  /** IPv4: first address; IPv6: upper and lower 32 bits of the upper half (for the numeric API). */
  readonly words: Uint32Array;
  /** Networks held whole by one range (the fast path), split between ranges, and unannounced. */
  readonly paths: { whole: number; split: number; none: number };
}

export function sampleV4(table: AsnTable, random: () => number): Sample {
  const networks: string[] = [];
  const addresses: string[] = [];
  const words = new Uint32Array(V4_COUNT);
  const paths = { whole: 0, split: 0, none: 0 };
  const { v4 } = table.counts;
  for (let k = 0; k < V4_COUNT; k++) {
    let first: number;
    if (random() < UNANNOUNCED_SHARE) {
      do first = Math.floor(random() * 2 ** 24) * 256;
      while (table.coveringV4(first, first + 255) !== NO_RANGE);
    } else {
      // A range chosen uniformly (so small ranges count as much as large ones), an address inside it.
      const range = table.rangeV4(Math.floor(random() * v4));
      const address = range.first + Math.floor(random() * (range.last - range.first + 1));
      first = address - (address % 256);
    }
    const i = table.coveringV4(first, first + 255);
    if (i >= 0) paths.whole++;
    else if (i === SPLIT) paths.split++;
    else paths.none++;
    words[k] = first;
    addresses.push(formatIPv4(first));
    networks.push(`${formatIPv4(first)}/24`);
  }
  return flat({ networks, addresses, words, paths });
}

/**
 * The Lambda gets its networks from JSON.parse of the SQS body, which makes flat strings; strings glued together
 * here would be V8 rope strings, slower to read character by character. Both sides get the flat kind.
 */
function flat(sample: Sample): Sample {
  const parse = (strings: string[]): string[] => JSON.parse(JSON.stringify(strings)) as string[];
  return { ...sample, networks: parse(sample.networks), addresses: parse(sample.addresses) };
}

export function sampleV6(table: AsnTable, random: () => number): Sample {
  const networks: string[] = [];
  const addresses: string[] = [];
  const words = new Uint32Array(V6_COUNT * 2);
  const paths = { whole: 0, split: 0, none: 0 };
  const { v6 } = table.counts;
  const word = (): bigint => BigInt(Math.floor(random() * 2 ** 32));
  for (let k = 0; k < V6_COUNT; k++) {
    let upper: bigint;
    if (random() < UNANNOUNCED_SHARE) {
      // Inside 2000::/3, where all global unicast space is.
      do upper = ((0x2000_0000n | (word() & 0x1fff_ffffn)) << 32n) | (word() & 0xffff_0000n);
      while (table.coveringV6(Number(upper >> 32n), Number(upper & 0xffff_ffffn), Number(upper >> 32n), (Number(upper & 0xffff_ffffn) | 0xffff) >>> 0) !== NO_RANGE);
    } else {
      const range = table.rangeV6(Math.floor(random() * v6));
      const offset = ((word() << 32n) | word()) % (range.last - range.first + 1n);
      upper = (range.first + offset) & ~0xffffn;
    }
    const hi = Number(upper >> 32n);
    const lo = Number(upper & 0xffff_ffffn);
    const i = table.coveringV6(hi, lo, hi, (lo | 0xffff) >>> 0);
    if (i >= 0) paths.whole++;
    else if (i === SPLIT) paths.split++;
    else paths.none++;
    words[2 * k] = hi;
    words[2 * k + 1] = lo;
    addresses.push(formatIPv6(upper, 0n));
    networks.push(`${formatIPv6(upper, 0n)}/48`);
  }
  return flat({ networks, addresses, words, paths });
}
