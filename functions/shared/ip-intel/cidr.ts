/**
 * Parsing of the truncated networks found in queue messages and formatting of matched ranges. IPv4 is handled as
 * unsigned 32-bit numbers, IPv6 as the upper 64 bits only (a bigint): lookups are /48s, so the lower half never
 * carries information.
 */

/** The network is not a well-formed, truncated CIDR. The message never repeats the input: it may be an address. */
export class InvalidNetworkError extends Error {
  constructor(reason: string) {
    super(`invalid network: ${reason}`);
    this.name = 'InvalidNetworkError';
  }
}

export type ParsedNetwork =
  | { readonly family: 4; readonly first: number; readonly last: number; readonly prefix: number }
  | { readonly family: 6; readonly first: bigint; readonly last: bigint; readonly prefix: number };

const U64_MAX = (1n << 64n) - 1n;

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Returns the eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function parseIPv6Groups(text: string): number[] | undefined {
  let head = text;
  // An embedded IPv4 tail (::ffff:192.0.2.0) is rewritten as the two groups it stands for.
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.', lastColon)) {
    const v4 = parseIPv4(head.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    head = `${head.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const left = toGroups(halves[0] ?? '');
  const right = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  if (left === undefined || right === undefined) return undefined;
  const explicit = left.length + right.length;
  if (halves.length === 2) {
    if (explicit > 7) return undefined;
    return [...left, ...new Array<number>(8 - explicit).fill(0), ...right];
  }
  return explicit === 8 ? left : undefined;
}

/**
 * Parses `a.b.c.d/len` or `x:y::/len`. Host bits must be zero: a set host bit means the caller passed an address
 * that was not truncated, which the pipeline must never do.
 */
export function parseNetwork(network: string): ParsedNetwork {
  const slash = network.indexOf('/');
  if (slash < 0) throw new InvalidNetworkError('expected address/prefix');
  const address = network.slice(0, slash);
  const prefixText = network.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) throw new InvalidNetworkError('bad prefix length');
  const prefix = Number(prefixText);

  if (!address.includes(':')) {
    const first = parseIPv4(address);
    if (first === undefined) throw new InvalidNetworkError('bad IPv4 address');
    if (prefix > 32) throw new InvalidNetworkError('IPv4 prefix longer than 32');
    const size = 2 ** (32 - prefix);
    if (first % size !== 0) throw new InvalidNetworkError('host bits set; the network must be truncated');
    return { family: 4, first, last: first + size - 1, prefix };
  }

  const groups = parseIPv6Groups(address);
  if (groups === undefined) throw new InvalidNetworkError('bad IPv6 address');
  if (prefix > 128) throw new InvalidNetworkError('IPv6 prefix longer than 128');
  const upper = groups.slice(0, 4).reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  const lower = groups.slice(4).reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  // Only the upper 64 bits are compared, so anything longer than a /64 is looked up as its /64.
  const upperPrefix = Math.min(prefix, 64);
  const hostMask = upperPrefix === 0 ? U64_MAX : (1n << BigInt(64 - upperPrefix)) - 1n;
  const lowerMustBeZero = prefix <= 64 ? U64_MAX : U64_MAX >> BigInt(prefix - 64);
  if ((upper & hostMask) !== 0n || (lower & lowerMustBeZero) !== 0n) {
    throw new InvalidNetworkError('host bits set; the network must be truncated');
  }
  return { family: 6, first: upper, last: upper | hostMask, prefix };
}

export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** RFC 5952 text of an address given its upper and lower 64 bits. */
export function formatIPv6(upper: bigint, lower: bigint): string {
  const groups: number[] = [];
  for (const half of [upper, lower]) {
    for (let shift = 48n; shift >= 0n; shift -= 16n) groups.push(Number((half >> shift) & 0xffffn));
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** The prefix length when [first, last] of a `bits`-wide space is exactly one aligned prefix, else undefined. */
function exactPrefix(first: bigint, last: bigint, bits: number): number | undefined {
  const size = last - first + 1n;
  if ((size & (size - 1n)) !== 0n || first % size !== 0n) return undefined;
  return bits - (size.toString(2).length - 1);
}

export function formatIPv4Range(first: number, last: number): string {
  const prefix = exactPrefix(BigInt(first), BigInt(last), 32);
  return prefix === undefined ? `${formatIPv4(first)}-${formatIPv4(last)}` : `${formatIPv4(first)}/${prefix}`;
}

/** `first` and `last` are upper 64 bits of whole /64 blocks. */
export function formatIPv6Range(first: bigint, last: bigint): string {
  const prefix = exactPrefix(first, last, 64);
  if (prefix !== undefined) return `${formatIPv6(first, 0n)}/${prefix}`;
  return `${formatIPv6(first, 0n)}-${formatIPv6(last, U64_MAX)}`;
}

/** The address text to hand to an MMDB reader: the first address of the network. */
export function firstAddress(network: ParsedNetwork): string {
  return network.family === 4 ? formatIPv4(network.first) : formatIPv6(network.first, 0n);
}
