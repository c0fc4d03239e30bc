import { formatIPv4, parseNetwork } from '../../../../functions/domain/ip-intel/cidr';
import { NO_RANGE, SPLIT, V4Spans } from '../../../../functions/domain/ip-intel/v4-spans';
import { mangled, seededRandom } from '../../support/mangle';

// Small hand-made tables, so every kind of edge is present and visible: a gap at 0.0.0.0, ranges crossing /16
// boundaries, neighbouring ranges without a gap, a /16 full of small ranges, a range starting at the last address
// of a /24, and a range up to 255.255.255.255.
const ip = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

function spansOf(ranges: ReadonlyArray<readonly [number, number]>): V4Spans {
  return V4Spans.build(Uint32Array.from(ranges.map((r) => r[0])), Uint32Array.from(ranges.map((r) => r[1])));
}

/** The range (or NO_RANGE for a gap) holding all of [first, last], or SPLIT: what `within16` must lead to. */
function expected(ranges: ReadonlyArray<readonly [number, number]>, first: number, last: number): number {
  const overlapping = ranges.flatMap(([start, end], i) => (start <= last && end >= first ? [i] : []));
  if (overlapping.length === 0) return NO_RANGE;
  const [only] = overlapping;
  const range = ranges[only ?? 0];
  return overlapping.length === 1 && range !== undefined && range[0] <= first && range[1] >= last ? (only ?? 0) : SPLIT;
}

function answer(spans: V4Spans, first: number, last: number): number {
  const span = spans.within16(first, last);
  return span === SPLIT ? SPLIT : spans.range(span);
}

const TABLE: ReadonlyArray<readonly [number, number]> = [
  [ip(1, 0, 0, 0), ip(1, 0, 0, 255)], // 0: a /24, after a gap from 0.0.0.0
  [ip(1, 0, 1, 0), ip(1, 0, 1, 127)], // 1: a /25 right after it, then a gap in the rest of the /24
  [ip(10, 0, 200, 0), ip(10, 3, 0, 255)], // 2: crosses three /16 boundaries
  [ip(10, 3, 1, 0), ip(10, 3, 1, 255)], // 3: directly after 2
  ...Array.from({ length: 64 }, (_, k) => [ip(20, 0, k, 0), ip(20, 0, k, 255)] as const), // 4-67: a crowded /16
  [ip(30, 0, 0, 255), ip(30, 0, 0, 255)], // 68: one address, the last of its /24
  [ip(223, 255, 255, 0), ip(255, 255, 255, 255)], // 69: to the end of the space
];

describe('V4Spans', () => {
  const spans = spansOf(TABLE);

  test('cuts the space into the ranges and the gaps between them', () => {
    // 70 ranges; gaps before 0 and after 1, 3, 67 and 68 (range 69 runs to the end: no gap after it).
    expect(spans.count).toBe(70 + 5);
    expect(spans.range(0)).toBe(NO_RANGE);
    expect(spans.range(1)).toBe(0);
    expect(spans.range(spans.count - 1)).toBe(69);
  });

  test.each([
    ['the gap at 0.0.0.0', ip(0, 0, 0, 0), 24, NO_RANGE],
    ['a /24 range', ip(1, 0, 0, 0), 24, 0],
    ['a /32 inside it', ip(1, 0, 0, 77), 32, 0],
    ['a /24 half held by a /25', ip(1, 0, 1, 0), 24, SPLIT],
    ['the /25 itself', ip(1, 0, 1, 0), 25, 1],
    ['the gap after the /25', ip(1, 0, 1, 128), 25, NO_RANGE],
    ['the /16 a crossing range starts in', ip(10, 0, 200, 0), 24, 2],
    ['a /16 a range passes through', ip(10, 1, 7, 0), 24, 2],
    ['the last /24 of the crossing range', ip(10, 3, 0, 0), 24, 2],
    ['the neighbour right after it', ip(10, 3, 1, 0), 24, 3],
    ['a /23 across the two neighbours', ip(10, 3, 0, 0), 23, SPLIT],
    ['the first /24 of a crowded /16', ip(20, 0, 0, 0), 24, 4],
    ['the middle of a crowded /16', ip(20, 0, 37, 0), 24, 41],
    ['the last range of a crowded /16', ip(20, 0, 63, 0), 24, 67],
    ['the gap after it', ip(20, 0, 64, 0), 24, NO_RANGE],
    ['a /20 of the crowded /16', ip(20, 0, 16, 0), 20, SPLIT],
    ['a /24 whose last address starts a range', ip(30, 0, 0, 0), 24, SPLIT],
    ['that address', ip(30, 0, 0, 255), 32, 68],
    ['the address before it', ip(30, 0, 0, 254), 32, NO_RANGE],
    ['the last /24 of the space', ip(255, 255, 255, 0), 24, 69],
    ['the last address', ip(255, 255, 255, 255), 32, 69],
  ])('%s', (_, first, prefix, range) => {
    const last = first + 2 ** (32 - prefix) - 1;

    expect(answer(spans, first, last)).toBe(range);
    expect(expected(TABLE, first, last)).toBe(range);
  });

  test('agrees with a plain scan over every /24 of the /16s in use and around them', () => {
    for (const top of [0, 1, 2, 9, 10, 11, 12, 13, 19, 20, 21, 29, 30, 31, 223, 224, 255]) {
      for (let third = 0; third < 256; third++) {
        const first = ip(top >> 8, top & 255, third, 0);

        expect([first, answer(spans, first, first + 255)]).toEqual([first, expected(TABLE, first, first + 255)]);
      }
    }
  });

  test('an empty table is one gap', () => {
    const empty = spansOf([]);

    expect(empty.count).toBe(1);
    expect(answer(empty, ip(193, 16, 4, 0), ip(193, 16, 4, 255))).toBe(NO_RANGE);
  });

  test('a gap of one address is a span of its own', () => {
    const spans1 = spansOf([
      [ip(5, 0, 0, 0), ip(5, 0, 0, 9)],
      [ip(5, 0, 0, 11), ip(5, 0, 0, 20)],
    ]);

    expect(answer(spans1, ip(5, 0, 0, 10), ip(5, 0, 0, 10))).toBe(NO_RANGE);
    expect(answer(spans1, ip(5, 0, 0, 9), ip(5, 0, 0, 9))).toBe(0);
    expect(answer(spans1, ip(5, 0, 0, 11), ip(5, 0, 0, 11))).toBe(1);
    expect(answer(spans1, ip(5, 0, 0, 8), ip(5, 0, 0, 15))).toBe(SPLIT);
  });

  test('a table ending just before 255.255.255.255 leaves that address a gap', () => {
    const spans1 = spansOf([[ip(255, 255, 255, 0), ip(255, 255, 255, 254)]]);

    expect(spans1.count).toBe(3);
    expect(answer(spans1, ip(255, 255, 255, 254), ip(255, 255, 255, 254))).toBe(0);
    expect(answer(spans1, ip(255, 255, 255, 255), ip(255, 255, 255, 255))).toBe(NO_RANGE);
  });

  test('a table starting at 0.0.0.0 has no gap before it', () => {
    const spans0 = spansOf([[0, ip(0, 0, 255, 255)]]);

    expect(spans0.count).toBe(2);
    expect(answer(spans0, 0, 255)).toBe(0);
    expect(answer(spans0, ip(0, 1, 0, 0), ip(0, 1, 0, 255))).toBe(NO_RANGE);
  });
});

describe('V4Spans.slotOfNetwork (the string hot path)', () => {
  const spans = spansOf(TABLE);
  /** Slot i holds i, so the slot read is the span found. */
  const ids = Array.from({ length: spans.count }, (_, i) => i);
  const net = (first: number, prefix: number): string => `${formatIPv4(first)}/${prefix}`;
  /** What the general path finds: the span holding all of the network, or undefined (refused, split, wider). */
  const general = (text: string): number | undefined => {
    let query;
    try {
      query = parseNetwork(text);
    } catch {
      return undefined;
    }
    if (query.family !== 4 || (query.first ^ query.last) >>> 16 !== 0) return undefined;
    const span = spans.within16(query.first, query.last);
    return span === SPLIT ? undefined : span;
  };

  test('finds the span within16 finds for every /24 of the /16s in use and around them, and never another', () => {
    const tops = [0, 1, 256, 257, 2560, 2561, 2562, 2563, 2564, 5119, 5120, 5121, 7680, 7681, 57343, 57344, 65535];
    for (const top of tops) {
      for (let third = 0; third < 256; third++) {
        const first = ip(top >> 8, top & 255, third, 0);
        const text24 = net(first, 24);

        expect([text24, spans.slotOfNetwork(text24, ids)]).toEqual([text24, general(text24)]);
        // Longer prefixes are answered when the span also holds the first address of their /24.
        for (const text of [net(first + 128, 25), net(first + 255, 32), net(first, 32)]) {
          const fast = spans.slotOfNetwork(text, ids);
          if (fast !== undefined) expect([text, fast]).toEqual([text, general(text)]);
        }
      }
    }
  });

  test.each([
    ['0.0.0.0/24', NO_RANGE],
    ['0.0.0.0/16', NO_RANGE],
    ['1.0.0.0/24', 0],
    ['20.0.37.0/24', 41],
    ['30.0.0.254/32', NO_RANGE],
    ['255.255.255.0/24', 69],
    ['255.255.255.255/32', 69],
  ])('%s is the span of range %d', (text, range) => {
    const span = spans.slotOfNetwork(text, ids);

    expect(span).toBe(general(text));
    expect(spans.range(span ?? -1)).toBe(range);
  });

  test.each([
    ['a network split between spans', '1.0.1.0/24'],
    ['a range starting inside the /24, looked up on its own', '30.0.0.255/32'],
    ['a /20 across a crowded /16', '20.0.16.0/20'],
    ['a prefix shorter than 16', '10.0.0.0/8'],
    ['a 3-digit prefix length (parseNetwork takes it, the general path answers)', '1.0.0.0/024'],
    ['a 1-digit prefix length', '0.0.0.0/0'],
    ['host bits set', '1.0.0.1/24'],
    ['a prefix longer than 32', '1.0.0.0/33'],
    ['a leading zero in the first octet', '01.0.0.0/24'],
    ['a leading zero in the second octet', '1.00.0.0/24'],
    ['a leading zero in the third octet', '1.0.01.0/24'],
    ['a leading zero in the fourth octet', '1.0.0.00/24'],
    ['an octet over 255', '256.1.1.0/24'],
    ['an octet over 255 in the last place', '1.1.1.256/32'],
    ['a 4-digit octet', '1.0.1000.0/24'],
    ['three octets', '1.2.3/24'],
    ['five octets', '1.2.3.4.5/32'],
    ['no prefix length', '1.2.3.0'],
    ['an empty prefix length', '1.2.3.0/'],
    ['a leading space', ' 1.2.3.0/24'],
    ['a trailing space', '1.2.3.0/24 '],
    ['a letter in the prefix length', '1.2.3.0/2a'],
    ['a sign in the prefix length', '1.2.3.0/+24'],
    ['an empty octet', '1..3.0/24'],
    ['an IPv4-mapped IPv6 network', '::ffff:1.2.3.0/120'],
    ['an IPv6 network', '2001:db8::/48'],
    ['an empty string', ''],
  ])('%s is left to the general path: %s', (_, text) => {
    expect(spans.slotOfNetwork(text, ids)).toBeUndefined();
  });

  test('an empty slot sends the network to the general path', () => {
    const empty: (number | undefined)[] = ids.map(() => undefined);

    expect(spans.slotOfNetwork('1.0.0.0/24', empty)).toBeUndefined();
  });

  test('never answers what parseNetwork refuses, and agrees with it on mangled text', () => {
    const random = seededRandom(11);
    const alphabet = '0123456789./: x';
    const seeds = ['1.0.0.0/24', '20.0.37.0/24', '30.0.0.255/32', '255.255.255.0/24', '10.1.7.0/25', '0.0.0.0/16'];
    for (const text of mangled(seeds, alphabet, 30_000, random)) {
      const fast = spans.slotOfNetwork(text, ids);
      if (fast !== undefined) expect([text, fast]).toEqual([text, general(text)]);
    }
  });
});
