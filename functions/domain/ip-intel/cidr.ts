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

// ---------------------------------------------------------------------------------------------------------------
// Allocation-free parsing for the lookup hot path

/** `parseNetworkInto` could not decide: the caller falls back to `parseNetwork`, which accepts or throws. */
export const UNDECIDED = 0;

/**
 * Parses the two forms the pipeline sends (`a.b.c.d/len`, and IPv6 without an embedded IPv4 tail and with a
 * prefix of at most 64) by hand: no regular expression, no split, no allocation. Writes into `out`:
 *   IPv4: out[0] first address, out[1] last address
 *   IPv6: out[0..1] upper 32 and next 32 bits of the first address, out[2..3] the same of the last address
 * Returns 4 or 6, or UNDECIDED for anything else (malformed input, host bits set, an IPv4 tail, a prefix longer
 * than 64): it never accepts what `parseNetwork` refuses, and where both accept, they agree (a test checks both
 * on random and malformed input).
 */
export function parseNetworkInto(text: string, out: Uint32Array): 0 | 4 | 6 {
  return parseIPv4Into(text, out) || parseIPv6Into(text, out);
}

const SLASH = 47;
const DOT = 46;
const COLON = 58;
const ZERO = 48;

/** Reads the prefix length after the slash at `at`; -1 unless it is 1-3 digits running to the end. */
function prefixAt(text: string, at: number): number {
  if (text.charCodeAt(at) !== SLASH) return -1;
  const digits = text.length - at - 1;
  if (digits < 1 || digits > 3) return -1;
  let prefix = 0;
  for (let i = at + 1; i < text.length; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    prefix = prefix * 10 + d;
  }
  return prefix;
}

/** The low `32 - bits` bits set: the host part of a 32-bit word whose first `bits` bits are network (0..32). */
function hostMask32(bits: number): number {
  if (bits <= 0) return 0xffffffff;
  if (bits >= 32) return 0;
  return 0xffffffff >>> bits;
}

/**
 * `a.b.c.d/len` in a single pass over the characters, one charCodeAt each (the octet-by-octet loops this replaced
 * read some characters twice and took about a third longer). Accepts exactly what `parseIPv4` (and so
 * `parseNetwork`) accepts: octets 0-255 without leading zeros ("0" yes, "01" no), then a 1-3 digit prefix of at
 * most 32.
 */
function parseIPv4Into(text: string, out: Uint32Array): 0 | 4 {
  const n = text.length;
  let address = 0; // the octets before the current one, as a signed 32-bit word
  let octet = 0;
  let digits = 0; // in the current octet
  let dots = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || dots === 3) return UNDECIDED;
      address = (address << 8) | octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c === SLASH) {
      break;
    } else {
      const d = c - ZERO;
      // A digit after a lone "0" is a leading zero; a nonzero octet passes 255 before it could reach 4 digits.
      if (d < 0 || d > 9 || (digits > 0 && octet === 0)) return UNDECIDED;
      octet = octet * 10 + d;
      if (octet > 255) return UNDECIDED;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0) return UNDECIDED;
  const prefix = prefixAt(text, i);
  if (prefix < 0 || prefix > 32) return UNDECIDED;
  const first = ((address << 8) | octet) >>> 0;
  const host = hostMask32(prefix);
  if ((first & host) !== 0) return UNDECIDED;
  out[0] = first;
  out[1] = first + host;
  return 4;
}

const groups = new Uint16Array(8);

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function parseIPv6Into(text: string, out: Uint32Array): 0 | 6 {
  const n = text.length;
  let i = 0;
  let count = 0;
  /** Index in `groups` where `::` stands, or -1. */
  let gap = -1;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return UNDECIDED;
    gap = 0;
    i = 2;
  }
  while (i < n && text.charCodeAt(i) !== SLASH) {
    const start = i;
    let group = 0;
    while (i < n && i - start < 5) {
      const d = hexDigit(text.charCodeAt(i));
      if (d < 0) break;
      group = group * 16 + d;
      i++;
    }
    const length = i - start;
    if (length === 0 || length > 4 || count === 8) return UNDECIDED;
    groups[count++] = group;
    const c = text.charCodeAt(i);
    if (c === COLON) {
      i++;
      if (text.charCodeAt(i) === COLON) {
        if (gap >= 0) return UNDECIDED;
        gap = count;
        i++;
      } else if (i >= n || text.charCodeAt(i) === SLASH) {
        return UNDECIDED;
      }
    } else if (c !== SLASH) {
      return UNDECIDED;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return UNDECIDED;
  if (gap >= 0) {
    const shift = 8 - count;
    for (let k = count - 1; k >= gap; k--) groups[k + shift] = groups[k] ?? 0;
    for (let k = gap; k < gap + shift; k++) groups[k] = 0;
  }
  const prefix = prefixAt(text, i);
  // Longer prefixes need the lower 64 bits checked bit by bit: rare, so left to parseNetwork.
  if (prefix < 0 || prefix > 64) return UNDECIDED;
  if ((groups[4] ?? 0) !== 0 || (groups[5] ?? 0) !== 0 || (groups[6] ?? 0) !== 0 || (groups[7] ?? 0) !== 0) {
    return UNDECIDED;
  }
  const hi = (((groups[0] ?? 0) << 16) | (groups[1] ?? 0)) >>> 0;
  const lo = (((groups[2] ?? 0) << 16) | (groups[3] ?? 0)) >>> 0;
  const hiHost = hostMask32(prefix);
  const loHost = hostMask32(prefix - 32);
  if ((hi & hiHost) !== 0 || (lo & loHost) !== 0) return UNDECIDED;
  out[0] = hi;
  out[1] = lo;
  out[2] = (hi | hiHost) >>> 0;
  out[3] = (lo | loHost) >>> 0;
  return 6;
}
