import {
  InvalidNetworkError,
  formatIPv4Range,
  formatIPv6,
  formatIPv6Range,
  parseNetwork,
  parseNetworkInto,
} from '../../../../functions/domain/ip-intel/cidr';

describe('parseNetwork', () => {
  test('an IPv4 /24', () => {
    expect(parseNetwork('193.16.4.0/24')).toEqual({ family: 4, first: 3239052288, last: 3239052543, prefix: 24 });
  });

  test('an IPv6 /48 as upper 64 bits', () => {
    expect(parseNetwork('2001:db8:1::/48')).toEqual({
      family: 6,
      first: 0x20010db800010000n,
      last: 0x20010db80001ffffn,
      prefix: 48,
    });
  });

  test('an IPv6 network with an embedded IPv4 tail', () => {
    expect(parseNetwork('::ffff:192.0.2.0/120')).toEqual(expect.objectContaining({ family: 6, first: 0n, last: 0n }));
  });

  test.each(['193.16.4.1/24', '2001:db8:1::1/48', '193.16.4.0', '256.1.1.0/24', '1.2.3.0/33', '2001:db8::1::/48', 'x/1'])(
    'refuses %s',
    (bad) => {
      expect(() => parseNetwork(bad)).toThrow(InvalidNetworkError);
    },
  );
});

describe('formatting', () => {
  test('IPv4 ranges are CIDR when they are one prefix, else first-last', () => {
    expect(formatIPv4Range(3239052288, 3239053311)).toBe('193.16.4.0/22');
    expect(formatIPv4Range(3239052288, 3239053055)).toBe('193.16.4.0-193.16.6.255');
  });

  test('IPv6 addresses follow RFC 5952', () => {
    expect(formatIPv6(0x20010db800000000n, 1n)).toBe('2001:db8::1');
    expect(formatIPv6(0x20010db800000001n, 0x0001000100010001n)).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIPv6(0x2001000000000001n, 0x0000000000010001n)).toBe('2001::1:0:0:1:1');
    expect(formatIPv6(0n, 0n)).toBe('::');
  });

  test('IPv6 ranges are CIDR when they are one prefix, else first-last', () => {
    expect(formatIPv6Range(0x2003000000000000n, 0x200301ffffffffffn)).toBe('2003::/23');
    expect(formatIPv6Range(0x20010db800000000n, 0x20010db80002ffffn)).toBe(
      '2001:db8::-2001:db8:2:ffff:ffff:ffff:ffff:ffff',
    );
  });
});

describe('parseNetworkInto (the hand-written parser of the lookup hot path)', () => {
  const words = new Uint32Array(4);
  /** What the fast parser decided: the family and bounds it wrote, or 'undecided'. */
  const fast = (text: string): unknown => {
    words.fill(0xdeadbeef);
    const family = parseNetworkInto(text, words);
    if (family === 4) return { family, first: words[0], last: words[1] };
    if (family === 6) return { family, words: [...words] };
    return 'undecided';
  };
  const refuses = (text: string): boolean => {
    try {
      parseNetwork(text);
      return false;
    } catch (err) {
      return err instanceof InvalidNetworkError;
    }
  };

  test.each([
    ['193.16.4.0/24', 0xc1100400, 0xc11004ff],
    ['1.2.3.0/24', 0x01020300, 0x010203ff],
    ['255.255.255.255/32', 0xffffffff, 0xffffffff],
    ['0.0.0.0/0', 0, 0xffffffff],
    ['10.0.0.0/8', 0x0a000000, 0x0affffff],
    ['100.64.0.0/10', 0x64400000, 0x647fffff],
    ['192.0.2.128/25', 0xc0000280, 0xc00002ff],
    ['9.99.199.0/24', 0x0963c700, 0x0963c7ff],
  ])('%s', (text, first, last) => {
    expect(fast(text)).toEqual({ family: 4, first, last });
    expect(parseNetwork(text)).toEqual(expect.objectContaining({ family: 4, first, last }));
  });

  test('a prefix with leading zeros is read as the old parser reads it (/024 is /24)', () => {
    expect(fast('193.16.4.0/024')).toEqual({ family: 4, first: 0xc1100400, last: 0xc11004ff });
    expect(parseNetwork('193.16.4.0/024')).toEqual(expect.objectContaining({ first: 0xc1100400, prefix: 24 }));
  });

  test.each([
    // leading zeros in an octet, which some parsers read as octal
    '01.2.3.0/24',
    '1.02.3.0/24',
    '1.2.03.0/24',
    '1.2.3.00/24',
    '00.0.0.0/0',
    // out-of-range octets
    '256.1.1.0/24',
    '1.256.1.0/24',
    '1.1.999.0/24',
    '1000.1.1.0/24',
    '1.1.1.2560/24',
    // out-of-range or malformed prefix
    '1.2.3.0/33',
    '1.2.3.0/0024',
    '1.2.3.0/',
    '1.2.3.0/2x',
    '1.2.3.0/-1',
    // no prefix: the pipeline always sends one
    '1.2.3.0',
    // host bits set
    '1.2.3.4/24',
    '1.2.3.0/16',
    // wrong shape
    '',
    '/24',
    '1.2.3/24',
    '1.2.3.4.5/32',
    '1..3.0/24',
    '.1.2.3/24',
    '1.2.3./24',
    ' 1.2.3.0/24',
    '1.2.3.0/24 ',
    '1.2.3.0\n/24',
    '1.2.3.0//24',
    '1,2,3,0/24',
    '+1.2.3.0/24',
    '1.2.3.0/+4',
    '１.2.3.0/24', // a full-width digit
    '١.2.3.0/24', // an Arabic-Indic digit
  ])('refuses %j, as parseNetwork does', (text) => {
    expect(fast(text)).toBe('undecided');
    expect(refuses(text)).toBe(true);
  });

  test('IPv6 goes past the IPv4 parser, to the same words as before', () => {
    expect(fast('2001:db8:1::/48')).toEqual({ family: 6, words: [0x20010db8, 0x00010000, 0x20010db8, 0x0001ffff] });
    expect(fast('::/0')).toEqual({ family: 6, words: [0, 0, 0xffffffff, 0xffffffff] });
    // Rare forms stay with parseNetwork, which the caller falls back to.
    expect(fast('::ffff:192.0.2.0/120')).toBe('undecided');
    expect(parseNetwork('::ffff:192.0.2.0/120').family).toBe(6);
  });
});
