import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * IP minimisation. The full address lives only in the ingest function's memory; what leaves it is the
 * network: IPv4 truncated to /24, IPv6 to /48 (docs/architecture.md: organisation matching loses almost nothing).
 */
export const IPV4_PREFIX = 24;
export const IPV6_PREFIX = 48;

/** Parses an address, unwrapping IPv4-mapped IPv6 (`::ffff:1.2.3.4`), or returns undefined. */
export function parseIp(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const trimmed = address.trim();
  // node:net is strict where ipaddr.js accepts legacy forms such as `1.2.3`.
  if (isIP(trimmed) === 0) return undefined;
  return ipaddr.process(trimmed);
}

/** `193.16.4.77` → `193.16.4.0/24`; `2001:db8:1:2::5` → `2001:db8:1::/48`. */
export function truncateIp(address: string): string | undefined {
  const ip = parseIp(address);
  if (!ip) return undefined;
  if (ip.kind() === 'ipv4') {
    const bytes = ip.toByteArray();
    return `${bytes[0]}.${bytes[1]}.${bytes[2]}.0/${IPV4_PREFIX}`;
  }
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 3);
  const network = new ipaddr.IPv6([...parts, 0, 0, 0, 0, 0]);
  return `${network.toString()}/${IPV6_PREFIX}`;
}
