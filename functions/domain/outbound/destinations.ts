import ipaddr from 'ipaddr.js';

/**
 * Where outbound requests to customer-given URLs (webhooks, Slack, Teams, a CRM's instance URL) may go: global
 * unicast addresses only. Checked on every address a host name resolves to, at connect time, so neither a URL saved
 * with a public name that later resolves inward (DNS rebinding) nor a literal inward address reaches the account's
 * own network or the cloud's metadata services (169.254.169.254 and fd00:ec2::254).
 */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

export function judgeAddress(address: string, options: { readonly allowLoopback?: boolean } = {}): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, reason: 'not an IP address' };
  let parsed = ipaddr.parse(address);
  // `::ffff:10.0.0.1` is 10.0.0.1 to the network stack: judge the IPv4 address.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  // Loopback only where the local runtime says so, for receivers the tests start on 127.0.0.1.
  if (range === 'loopback' && options.allowLoopback) return { allowed: true };
  // Private, loopback, link-local, unique-local, carrier-grade NAT, multicast, documentation, benchmarking, 6to4 …:
  // every special-purpose range is refused.
  return range === 'unicast' ? { allowed: true } : { allowed: false, reason: `${range} address` };
}
