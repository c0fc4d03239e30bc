import {
  InvalidNetworkError,
  formatIPv4Range,
  formatIPv6,
  formatIPv6Range,
  parseNetwork,
} from '../../../functions/shared/ip-intel/cidr';

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
