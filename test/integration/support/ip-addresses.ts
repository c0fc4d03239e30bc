import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Real addresses of named organisations, taken from the bundled ASN data rather than hard-coded, so the
 * tests follow the data when it is updated.
 */
const ASN_IPV4_CSV = join(__dirname, '..', '..', '..', 'node_modules', '@ip-location-db', 'asn', 'asn-ipv4.csv');

const toNumber = (ip: string): number => ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
const toIp = (value: number): string => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');

let rows: Array<{ first: number; last: number; organisation: string }> | undefined;

function asnRows(): NonNullable<typeof rows> {
  rows ??= readFileSync(ASN_IPV4_CSV, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const match = /^([\d.]+),([\d.]+),(\d+),"?(.*?)"?$/.exec(line);
      if (!match?.[1] || !match[2] || match[4] === undefined) return [];
      return [{ first: toNumber(match[1]), last: toNumber(match[2]), organisation: match[4] }];
    });
  return rows;
}

/**
 * A host address (never the network or broadcast address, and with a last octet that no shorter address
 * is a prefix of) inside the largest range registered to an organisation whose name starts with `prefix`.
 */
export function addressOf(prefix: string): { ip: string; organisation: string } {
  const candidates = asnRows().filter((row) => row.organisation.startsWith(prefix) && row.last - row.first >= 255);
  const largest = candidates.sort((a, b) => b.last - b.first - (a.last - a.first))[0];
  if (!largest) throw new Error(`No /24-sized range of an organisation named ${prefix}… in ${ASN_IPV4_CSV}`);
  const middle = largest.first + Math.floor((largest.last - largest.first) / 2);
  const ip = toIp(middle - (middle % 256) + 173);
  return { ip, organisation: largest.organisation };
}
