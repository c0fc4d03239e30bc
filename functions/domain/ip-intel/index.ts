/**
 * IP intelligence for the enrichment Lambda: which organisation announces a visitor's truncated network, what kind
 * of network it is, and where it is. Pure: reads only the directory built by `npm run build:ipdata`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import type { Location } from '../../contracts/api/leads';
import { ArtefactError, AsnTable, NO_RANGE, type RangeHit } from './asn-table';
import type { V4Spans } from './v4-spans';
import { isLeadClass } from './lead-class';
import {
  InvalidNetworkError,
  firstAddress,
  formatIPv4Range,
  formatIPv6Range,
  parseNetwork,
  parseNetworkInto,
} from './cidr';
import { ASN_FILE, CITY_V4_FILE, CITY_V6_FILE } from './format';
import type { IpIntel, NetworkMatch } from './types';

export type { IpIntel, NetworkClass, NetworkMatch } from './types';
export { isLeadClass };
export { InvalidNetworkError } from './cidr';
export { ArtefactError } from './asn-table';

/** An IPv4 range of at least a /22, or an IPv6 range of at least a /40, is the holder's own sizeable block. */
const LARGE_V4 = 1024;
const LARGE_V6_IN_64S = 2 ** 24;

/**
 * The loaded data, with numeric lookups beside the string API (used by the benchmark and by tests that check the
 * two agree). Numbers are unsigned 32-bit words; IPv6 is given by the upper 64 bits of the network's first address.
 */
export interface IpIntelEngine extends IpIntel {
  /** `first` is the network's first address as a number (193.16.4.0 = 0xc1100400); throws on host bits. */
  lookupIPv4Network(first: number, prefixLength: number): NetworkMatch | undefined;
  /** `high`/`low`: the first and second 32 bits of the address; prefixLength at most 64. */
  lookupIPv6Network(high: number, low: number, prefixLength: number): NetworkMatch | undefined;
}

/**
 * Loads the artefact from `dataDir` (`IP_DATA_DIR`: /var/task/ipdata on Lambda, <repo>/build/ipdata locally).
 * The location databases are opened on the first `locate()` of each family, to keep cold starts short.
 *
 * Speed: the network string is parsed by hand: for IPv4 by `V4Spans.slotOfNetwork`, which parses, finds the span
 * and reads its cached match in one pass, else by `parseNetworkInto`. A query held entirely by one range or by one
 * gap between ranges (nearly all of them) is answered by `AsnTable.spanV4` (IPv4) or `coveringV6` and a
 * NetworkMatch built once per range and then shared (frozen, so no caller can change it for the next one): no
 * regular expression, no string or object is made per lookup. A /24 split between ranges is answered once and
 * remembered; other split queries take the general path.
 */
export function loadIpIntel(dataDir: string): IpIntelEngine {
  for (const file of [ASN_FILE, CITY_V4_FILE, CITY_V6_FILE]) {
    if (!existsSync(join(dataDir, file))) throw new ArtefactError(`${file} is missing in ${dataDir}`);
  }
  const table = new AsnTable(readFileSync(join(dataDir, ASN_FILE)));
  // Both city databases open on first use: reading 63 MB (IPv4) would otherwise be most of the cold start,
  // and requests from carriers and clouds, dropped before any location is needed, never pay for it.
  let cityV4: Reader<Response> | undefined;
  let cityV6: Reader<Response> | undefined;
  const counts = table.counts;
  // Made on the first lookup of each family, filled as queries first land in them. IPv4: one slot per span
  // (AsnTable.spanV4), null for a gap between ranges; IPv6: one per range.
  let v4Matches: (NetworkMatch | null | undefined)[] | undefined;
  let v6Matches: (NetworkMatch | undefined)[] | undefined;
  // The spans v4Matches is indexed by, set with it: the string fast path starts after the first IPv4 lookup, so
  // a process that only ever sees IPv6 never builds them.
  let spansV4: V4Spans | undefined;
  const v4Slots = (): (NetworkMatch | null | undefined)[] => {
    spansV4 = table.spans;
    return slots(spansV4.count);
  };
  const words = new Uint32Array(4);

  const toMatch = (hit: RangeHit): NetworkMatch => {
    // Decided at build time (scripts/build/holder-classes.ts): a lookup only reads the class and its reason.
    const { networkClass, reason } = table.classOf(hit.org);
    return {
      asn: hit.asn,
      name: hit.name,
      networkClass,
      network: formatRange(hit),
      confidence: confidenceOf(hit),
      reason: hit.coversAll ? reason : `${reason}; ${caveat(hit)}`,
    };
  };

  /** The match of a query that range `i` holds entirely: the same for every such query, so made once. */
  const wholeRange = (range: { org: number; first: number | bigint; last: number | bigint }): NetworkMatch => {
    const { asn, name } = table.organisation(range.org);
    return Object.freeze(toMatch({ ...range, asn, name, coversAll: true, share: 1, organisations: 1 }));
  };

  const matchV4 = (first: number, last: number): NetworkMatch | undefined => {
    const span = table.spanV4(first, last);
    if (span >= 0) {
      const match = (v4Matches ??= v4Slots())[span];
      return match === undefined ? rememberSpanV4(span) : (match ?? undefined);
    }
    return last - first === 255 ? (splitV4.get(first) ?? rememberSplitV4(first)) : splitMatchV4(first, last);
  };

  /** A span's match, made on the first query it holds: the range's, or null (no organisation) for a gap. */
  const rememberSpanV4 = (span: number): NetworkMatch | undefined => {
    const range = table.spanRangeV4(span);
    const match = range === NO_RANGE ? null : wholeRange(table.rangeV4(range));
    (v4Matches ??= v4Slots())[span] = match;
    return match ?? undefined;
  };

  const splitMatchV4 = (first: number, last: number): NetworkMatch | undefined => {
    const hit = table.lookupV4Split(first, last);
    return hit && toMatch(hit);
  };

  /**
   * A /24 split between ranges costs microseconds and several strings to answer, and gets the same answer every
   * time, so it is made once. Only /24s (the form the pipeline sends) and only split ones are kept: they need a
   * range boundary inside the /24, so there are at most two per range (about 1,300 split /24s in the bundled data).
   */
  const splitV4 = new Map<number, NetworkMatch>();
  const rememberSplitV4 = (first: number): NetworkMatch | undefined => {
    const match = splitMatchV4(first, first + 255);
    if (match !== undefined) splitV4.set(first, Object.freeze(match));
    return match;
  };

  const matchV6 = (firstHi: number, firstLo: number, lastHi: number, lastLo: number): NetworkMatch | undefined => {
    const i = table.coveringV6(firstHi, firstLo, lastHi, lastLo);
    if (i >= 0) return ((v6Matches ??= slots(counts.v6))[i] ??= wholeRange(table.rangeV6(i)));
    if (i === NO_RANGE) return undefined;
    const hit =
      firstHi === lastHi
        ? table.lookupV6Word(firstHi, firstLo, lastLo)
        : table.lookupV6(toU64(firstHi, firstLo), toU64(lastHi, lastLo));
    return hit && toMatch(hit);
  };

  return {
    lookupOrganisation(network: string): NetworkMatch | undefined {
      if (spansV4 !== undefined && v4Matches !== undefined) {
        // A span's match made earlier, or null for a gap; undefined sends the network down the general path below.
        const match = spansV4.slotOfNetwork(network, v4Matches);
        if (match !== undefined) return match ?? undefined;
      }
      const family = parseNetworkInto(network, words);
      if (family === 4) return matchV4(words[0]!, words[1]!);
      if (family === 6) return matchV6(words[0]!, words[1]!, words[2]!, words[3]!);
      // Rare forms (an IPv4 tail, a prefix beyond /64), or malformed input, which parseNetwork refuses.
      const query = parseNetwork(network);
      return query.family === 4
        ? matchV4(query.first, query.last)
        : matchV6(high32(query.first), low32(query.first), high32(query.last), low32(query.last));
    },

    lookupIPv4Network(first: number, prefixLength: number): NetworkMatch | undefined {
      if (!isU32(first) || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) {
        throw new InvalidNetworkError('expected a 32-bit address and a prefix length of 0-32');
      }
      const host = prefixLength === 0 ? 0xffffffff : prefixLength === 32 ? 0 : 0xffffffff >>> prefixLength;
      if ((first & host) !== 0) throw new InvalidNetworkError('host bits set; the network must be truncated');
      return matchV4(first, first + host);
    },

    lookupIPv6Network(high: number, low: number, prefixLength: number): NetworkMatch | undefined {
      if (!isU32(high) || !isU32(low) || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 64) {
        throw new InvalidNetworkError('expected two 32-bit words and a prefix length of 0-64');
      }
      const hiHost = prefixLength === 0 ? 0xffffffff : prefixLength >= 32 ? 0 : 0xffffffff >>> prefixLength;
      const loHost = prefixLength <= 32 ? 0xffffffff : prefixLength === 64 ? 0 : 0xffffffff >>> (prefixLength - 32);
      if ((high & hiHost) !== 0 || (low & loHost) !== 0) {
        throw new InvalidNetworkError('host bits set; the network must be truncated');
      }
      return matchV6(high, low, (high | hiHost) >>> 0, (low | loHost) >>> 0);
    },

    locate(network: string): Location {
      const query = parseNetwork(network);
      const reader =
        query.family === 4
          ? (cityV4 ??= new Reader<Response>(readFileSync(join(dataDir, CITY_V4_FILE))))
          : (cityV6 ??= new Reader<Response>(readFileSync(join(dataDir, CITY_V6_FILE))));
      return toLocation(reader.get(firstAddress(query)));
    },
  };
}

/** A packed array of `n` empty slots (`new Array(n)` of this size would be a slow dictionary-mode array in V8). */
function slots<T>(n: number): (T | undefined)[] {
  const array: (T | undefined)[] = [];
  for (let i = 0; i < n; i++) array.push(undefined);
  return array;
}

const isU32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
const high32 = (u64: bigint): number => Number(u64 >> 32n);
const low32 = (u64: bigint): number => Number(u64 & 0xffffffffn);
const toU64 = (high: number, low: number): bigint => (BigInt(high) << 32n) | BigInt(low);

function formatRange(hit: RangeHit): string {
  return typeof hit.first === 'bigint' && typeof hit.last === 'bigint'
    ? formatIPv6Range(hit.first, hit.last)
    : formatIPv4Range(Number(hit.first), Number(hit.last));
}

function confidenceOf(hit: RangeHit): NetworkMatch['confidence'] {
  if (!hit.coversAll) return 'low';
  const large =
    typeof hit.first === 'bigint' && typeof hit.last === 'bigint'
      ? hit.last - hit.first + 1n >= BigInt(LARGE_V6_IN_64S)
      : Number(hit.last) - Number(hit.first) + 1 >= LARGE_V4;
  // Small announcements are more often leased or re-assigned space, where the holder is not the user.
  return large ? 'high' : 'medium';
}

function caveat(hit: RangeHit): string {
  const percent = Math.round(hit.share * 100);
  return hit.organisations > 1
    ? `network split between ${hit.organisations} organisations, this one holds ${percent}%`
    : `range covers only ${percent}% of the network`;
}

/** DB-IP city records carry country_code, state1 and city; anything else is ignored (no coordinates kept). */
function toLocation(record: unknown): Location {
  if (typeof record !== 'object' || record === null) return { country: 'ZZ' };
  const text = (key: string): string | undefined => {
    const value: unknown = (record as Record<string, unknown>)[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const code = text('country_code')?.toUpperCase();
  const location: Location = { country: code !== undefined && /^[A-Z]{2}$/.test(code) ? code : 'ZZ' };
  const region = text('state1');
  const city = text('city');
  if (region !== undefined) location.region = region;
  if (city !== undefined) location.city = city;
  return location;
}
