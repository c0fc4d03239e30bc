import ipaddr from 'ipaddr.js';
import type { IpOverrides } from '../contracts/deployment-config';
import { parseIp } from './privacy/network';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface OrganisationOverride {
  name: string;
  domain?: string;
  /** The configured range, as written in the configuration. */
  network: string;
  /** True when the configured range is smaller than the truncated network, so only part of it matched. */
  partial: boolean;
}

const parseRange = (cidr: string): Range => ipaddr.parseCIDR(cidr);

function contains([base, bits]: Range, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return base.kind() === address.kind() && address.match(base, bits);
}

/**
 * The customer's network overrides (deployment config `ipOverrides`). Ignored ranges are checked at ingest
 * against the full address, before anything is queued; organisation ranges are checked at enrichment against
 * the truncated network.
 */
export class IpOverrideRules {
  private readonly ignored: Range[];
  private readonly organisations: Array<{ range: Range } & IpOverrides['organisations'][number]>;

  constructor(overrides: IpOverrides) {
    this.ignored = overrides.ignore.map(parseRange);
    this.organisations = overrides.organisations.map((organisation) => ({ ...organisation, range: parseRange(organisation.network) }));
  }

  isIgnored(fullIp: string): boolean {
    const address = parseIp(fullIp);
    return address !== undefined && this.ignored.some((range) => contains(range, address));
  }

  /** `network` is a truncated CIDR (`a.b.c.0/24`, `x:y:z::/48`): a match when either range contains the other. */
  organisationFor(network: string): OrganisationOverride | undefined {
    const queried = parseRange(network);
    for (const organisation of this.organisations) {
      const covers = contains(organisation.range, queried[0]) && organisation.range[1] <= queried[1];
      const inside = contains(queried, organisation.range[0]) && organisation.range[1] > queried[1];
      if (covers || inside) {
        return {
          name: organisation.name,
          ...(organisation.domain ? { domain: organisation.domain } : {}),
          network: organisation.network,
          partial: inside,
        };
      }
    }
    return undefined;
  }
}
