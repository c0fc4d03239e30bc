import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIpData } from '../../../../scripts/build/ipdata';
import { InvalidNetworkError, loadIpIntel, type IpIntelEngine } from '../../../../functions/domain/ip-intel';
import { AsnTable, NO_RANGE, SPLIT } from '../../../../functions/domain/ip-intel/asn-table';
import { formatIPv4, formatIPv6, parseNetwork, parseNetworkInto } from '../../../../functions/domain/ip-intel/cidr';
import { mangled, seededRandom } from '../../support/mangle';

// The hot path (hand-written parser, bucketed binary search, per-range matches) checked against the general code it
// short-cuts, on the bundled data. Addresses are drawn from a seeded generator so a failure can be replayed.
let intel: IpIntelEngine;
let table: AsnTable;

beforeAll(() => {
  const { outDir } = buildIpData({ ifStale: true, log: () => undefined });
  intel = loadIpIntel(outDir);
  table = new AsnTable(readFileSync(join(outDir, 'asn.bin')));
}, 120_000);

const prng = seededRandom;
const u32 = (random: () => number): number => Math.floor(random() * 2 ** 32);
const v4Net = (first: number, prefix: number): string => `${formatIPv4(first)}/${prefix}`;

describe('parseNetworkInto agrees with parseNetwork', () => {
  const words = new Uint32Array(4);
  const decided = (text: string): unknown => {
    const family = parseNetworkInto(text, words);
    if (family === 4) return { family, first: words[0], last: words[1] };
    if (family === 6) return { family, first: (BigInt(words[0] ?? 0) << 32n) | BigInt(words[1] ?? 0), last: (BigInt(words[2] ?? 0) << 32n) | BigInt(words[3] ?? 0) };
    return undefined;
  };
  const reference = (text: string): unknown => {
    try {
      const { family, first, last } = parseNetwork(text);
      return { family, first, last };
    } catch {
      return 'refused';
    }
  };

  test('decides every network the pipeline sends, with the same bounds', () => {
    const random = prng(1);
    for (let k = 0; k < 3000; k++) {
      const v4 = v4Net((u32(random) & 0xffffff00) >>> 0, 24);
      const upper = (BigInt(u32(random)) << 32n) | BigInt((u32(random) & 0xffff0000) >>> 0);
      const v6 = `${formatIPv6(upper, 0n)}/48`;

      expect(decided(v4)).toEqual(reference(v4));
      expect(decided(v6)).toEqual(reference(v6));
    }
  });

  test('never accepts what parseNetwork refuses, on mangled input', () => {
    const random = prng(2);
    const alphabet = '0123456789abcdefABCDEF.:/x ';
    const seeds = ['193.16.4.0/24', '2001:db8:1::/48', '0.0.0.0/0', '::/0', '1:2:3:4:5:6:7:8/64', '::ffff:192.0.2.0/120'];
    for (const text of mangled(seeds, alphabet, 20_000, random)) {
      const fast = decided(text);
      if (fast !== undefined) expect([text, fast]).toEqual([text, reference(text)]);
    }
  });
});

describe('fast IPv4 path at range edges', () => {
  const ranges = (): number[] => {
    const random = prng(3);
    return Array.from({ length: 200 }, () => Math.floor(random() * table.counts.v4));
  };

  test('the first and last address of a range match that range', () => {
    for (const i of ranges()) {
      const range = table.rangeV4(i);
      const { asn } = table.organisation(range.org);
      for (const address of [range.first, range.last]) {
        const match = intel.lookupOrganisation(v4Net(address, 32));

        expect(match?.asn).toBe(asn);
        expect(intel.lookupIPv4Network(address, 32)).toBe(match);
      }
    }
  });

  test('the addresses just outside a range match its neighbours or nothing', () => {
    for (const i of ranges()) {
      const range = table.rangeV4(i);
      for (const address of [range.first - 1, range.last + 1]) {
        if (address < 0 || address > 0xffffffff) continue;
        const covering = table.coveringV4(address, address);
        const match = intel.lookupIPv4Network(address, 32);

        if (covering === NO_RANGE) expect(match).toBeUndefined();
        else expect(match?.asn).toBe(table.organisation(table.rangeV4(covering).org).asn);
        expect(covering).not.toBe(i);
      }
    }
  });

  test('before the first range, in a gap, and after the last range nothing matches', () => {
    const firstRange = table.rangeV4(0);
    const lastRange = table.rangeV4(table.counts.v4 - 1);

    expect(firstRange.first).toBeGreaterThan(0);
    expect(intel.lookupIPv4Network(firstRange.first - 1, 32)).toBeUndefined();
    expect(intel.lookupIPv4Network(0, 24)).toBeUndefined();
    if (lastRange.last < 0xffffffff) expect(intel.lookupIPv4Network(lastRange.last + 1, 32)).toBeUndefined();
    expect(intel.lookupOrganisation('255.255.255.0/24')).toBeUndefined();
    // A gap: the first pair of neighbouring ranges with space between them.
    let gap = -1;
    for (let i = 0; i + 1 < table.counts.v4 && gap < 0; i++) {
      if (table.rangeV4(i).last + 1 < table.rangeV4(i + 1).first) gap = table.rangeV4(i).last + 1;
    }
    expect(gap).toBeGreaterThan(0);
    expect(intel.lookupIPv4Network(gap, 32)).toBeUndefined();
  });
});

describe('fast paths agree with the general lookup', () => {
  test('IPv4: one covering range, none, or a split, exactly as the general walk finds', () => {
    const random = prng(4);
    for (let k = 0; k < 5000; k++) {
      const prefix = [16, 22, 24, 28, 32][k % 5] ?? 24;
      const size = 2 ** (32 - prefix);
      const first = Math.floor(u32(random) / size) * size;
      const covering = table.coveringV4(first, first + size - 1);
      const hit = table.lookupV4(first, first + size - 1);

      expect(table.lookupV4Split(first, first + size - 1)).toEqual(hit);
      if (covering === NO_RANGE) expect(hit).toBeUndefined();
      else if (covering === SPLIT) expect(hit?.coversAll).toBe(false);
      else expect([hit?.first, hit?.last, hit?.coversAll]).toEqual([table.rangeV4(covering).first, table.rangeV4(covering).last, true]);
    }
  });

  test('IPv4 spans: the span of a range, of a gap, or a split, exactly as the range search finds', () => {
    const random = prng(7);
    for (let k = 0; k < 20_000; k++) {
      // Mostly what the pipeline sends, and every other prefix too, wide ones crossing /16 boundaries included.
      const prefix = k % 4 === 0 ? 8 + (k % 25) : 24;
      const size = 2 ** (32 - prefix);
      const first = Math.floor(u32(random) / size) * size;
      const span = table.spanV4(first, first + size - 1);
      const covering = table.coveringV4(first, first + size - 1);

      expect([first, prefix, span === SPLIT ? SPLIT : table.spanRangeV4(span)]).toEqual([first, prefix, covering]);
    }
  });

  test('IPv4 spans at range edges: the first and last /32 of a range land in its span', () => {
    const random = prng(8);
    for (let k = 0; k < 2000; k++) {
      const i = Math.floor(random() * table.counts.v4);
      const range = table.rangeV4(i);
      for (const address of [range.first, range.last]) {
        expect(table.spanRangeV4(table.spanV4(address, address))).toBe(i);
      }
    }
  });

  test('IPv6 /48s: the word-based walk finds what the bigint walk finds', () => {
    const random = prng(5);
    for (let k = 0; k < 3000; k++) {
      // Half inside announced ranges (where splits happen), half anywhere in 2000::/3.
      const range = table.rangeV6(Math.floor(random() * table.counts.v6));
      const inside = range.first + (BigInt(u32(random)) % (range.last - range.first + 1n));
      const anywhere = (BigInt(0x20000000 | (u32(random) & 0x1fffffff)) << 32n) | BigInt(u32(random));
      const upper = (k % 2 === 0 ? inside : anywhere) & ~0xffffn;
      const hi = Number(upper >> 32n);
      const lo = Number(upper & 0xffffffffn);

      expect(table.lookupV6Word(hi, lo, (lo | 0xffff) >>> 0)).toEqual(table.lookupV6(upper, upper | 0xffffn));
      const covering = table.coveringV6(hi, lo, hi, (lo | 0xffff) >>> 0);
      const hit = table.lookupV6(upper, upper | 0xffffn);
      if (covering === NO_RANGE) expect(hit).toBeUndefined();
      else if (covering === SPLIT) expect(hit?.coversAll).toBe(false);
      else expect(hit?.first).toBe(table.rangeV6(covering).first);
    }
  });

  test('the string and numeric APIs return the same match for random networks', () => {
    const random = prng(6);
    for (let k = 0; k < 4000; k++) {
      const first = (u32(random) & 0xffffff00) >>> 0;
      const hi = u32(random);
      const lo = (u32(random) & 0xffff0000) >>> 0;

      expect(intel.lookupIPv4Network(first, 24)).toEqual(intel.lookupOrganisation(v4Net(first, 24)));
      expect(intel.lookupIPv6Network(hi, lo, 48)).toEqual(
        intel.lookupOrganisation(`${formatIPv6((BigInt(hi) << 32n) | BigInt(lo), 0n)}/48`),
      );
    }
  });

  test('IPv4 strings: once a span has its match, the string path returns what the numeric API returns', () => {
    // The numeric API goes through the general path and fills the span's slot; the string lookup after it takes
    // the fast path (V4Spans.slotOfNetwork) wherever that answers.
    const random = prng(9);
    for (let k = 0; k < 20_000; k++) {
      const prefix = [24, 24, 24, 16, 20, 25, 32][k % 7] ?? 24;
      const size = 2 ** (32 - prefix);
      const first = Math.floor(u32(random) / size) * size;
      const numeric = intel.lookupIPv4Network(first, prefix);
      const text = v4Net(first, prefix);

      expect([text, intel.lookupOrganisation(text)]).toEqual([text, numeric]);
      expect(intel.lookupOrganisation(text)).toEqual(intel.lookupIPv4Network(first, prefix));
      if (numeric !== undefined && numeric.confidence !== 'low') expect(intel.lookupOrganisation(text)).toBe(numeric);
    }
  });

  test('IPv4 strings: mangled text is refused or answered as the numeric API answers it, with the caches warm', () => {
    const random = prng(10);
    const alphabet = '0123456789./ x:';
    const seeds = ['193.16.4.0/24', '130.214.5.0/24', '8.8.8.0/24', '1.0.0.0/24', '52.94.0.0/24', '223.255.255.0/24'];
    for (const seed of seeds) intel.lookupOrganisation(seed);
    for (const text of mangled(seeds, alphabet, 20_000, random, 2)) {
      let query;
      try {
        query = parseNetwork(text);
      } catch {
        expect(() => intel.lookupOrganisation(text)).toThrow(InvalidNetworkError);
        continue;
      }
      if (query.family !== 4) continue;
      // Warm the span first, so that the string lookup can take the fast path.
      const numeric = intel.lookupIPv4Network(query.first, query.prefix);

      expect([text, intel.lookupOrganisation(text)]).toEqual([text, numeric]);
    }
  });

  test('a /24 split between ranges is answered as the general walk answers it, once, frozen', () => {
    // The first split /24 from 38.96.169.0 on (the split /24 of the lookupOrganisation tests).
    let first = 0x2660a900;
    while (first < 0x2700_0000 && table.spanV4(first, first + 255) !== SPLIT) first += 256;
    const network = v4Net(first, 24);
    const hit = table.lookupV4(first, first + 255);

    const match = intel.lookupOrganisation(network);

    expect(match).toEqual(expect.objectContaining({ asn: hit?.asn, name: hit?.name, confidence: 'low' }));
    expect(intel.lookupOrganisation(network)).toBe(match);
    expect(intel.lookupIPv4Network(first, 24)).toBe(match);
    expect(Object.isFrozen(match)).toBe(true);
  });

  test('a matched range is shared and frozen, so no caller can change the next answer', () => {
    const match = intel.lookupOrganisation('130.214.5.0/24');

    expect(intel.lookupOrganisation('130.214.200.0/24')).toBe(match);
    expect(Object.isFrozen(match)).toBe(true);
  });

  test('the numeric API refuses host bits and bad prefixes', () => {
    expect(() => intel.lookupIPv4Network(0x08080801, 24)).toThrow(/host bits/);
    expect(() => intel.lookupIPv4Network(0, 33)).toThrow();
    expect(() => intel.lookupIPv6Network(0x20010db8, 1, 48)).toThrow(/host bits/);
    expect(() => intel.lookupIPv6Network(0x20010db8, 0, 65)).toThrow();
  });
});
