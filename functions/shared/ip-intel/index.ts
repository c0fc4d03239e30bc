/**
 * IP intelligence for the enrichment Lambda: which organisation announces a visitor's truncated network, what kind
 * of network it is, and where it is. Pure: reads only the directory built by `npm run build:ipdata`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import type { Location } from '../api-schemas';
import { ArtefactError, AsnTable, type RangeHit } from './asn-table';
import { classify, isLeadClass, type Classification } from './classify';
import { firstAddress, formatIPv4Range, formatIPv6Range, parseNetwork } from './cidr';
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
 * Loads the artefact from `dataDir` (`IP_DATA_DIR`: /var/task/ipdata on Lambda, <repo>/build/ipdata locally).
 * The IPv4 location database is opened now; the IPv6 one on the first IPv6 lookup, to keep cold starts short.
 */
export function loadIpIntel(dataDir: string): IpIntel {
  for (const file of [ASN_FILE, CITY_V4_FILE, CITY_V6_FILE]) {
    if (!existsSync(join(dataDir, file))) throw new ArtefactError(`${file} is missing in ${dataDir}`);
  }
  const table = new AsnTable(readFileSync(join(dataDir, ASN_FILE)));
  const cityV4 = new Reader<Response>(readFileSync(join(dataDir, CITY_V4_FILE)));
  let cityV6: Reader<Response> | undefined;
  const classifications = new Map<number, Classification>();

  const classOf = (hit: RangeHit): Classification => {
    let c = classifications.get(hit.org);
    if (c === undefined) {
      c = classify(hit.asn, hit.name);
      classifications.set(hit.org, c);
    }
    return c;
  };

  return {
    lookupOrganisation(network: string): NetworkMatch | undefined {
      const query = parseNetwork(network);
      const hit = query.family === 4 ? table.lookupV4(query.first, query.last) : table.lookupV6(query.first, query.last);
      if (hit === undefined) return undefined;
      const { networkClass, reason } = classOf(hit);
      return {
        asn: hit.asn,
        name: hit.name,
        networkClass,
        network: formatRange(hit),
        confidence: confidenceOf(hit),
        reason: hit.coversAll ? reason : `${reason}; ${caveat(hit)}`,
      };
    },

    locate(network: string): Location {
      const query = parseNetwork(network);
      const reader = query.family === 4 ? cityV4 : (cityV6 ??= new Reader<Response>(readFileSync(join(dataDir, CITY_V6_FILE))));
      return toLocation(reader.get(firstAddress(query)));
    },
  };
}

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
