import type { Location } from '../../contracts/api/leads';

/** Stored in asn.bin as the index into this list, so append only. */
export const NETWORK_CLASSES = ['business', 'isp', 'hosting', 'education', 'government', 'unknown'] as const;
export type NetworkClass = (typeof NETWORK_CLASSES)[number];

export interface NetworkMatch {
  asn: number;
  /** Organisation name as in the data. */
  name: string;
  networkClass: NetworkClass;
  /** The range that matched: CIDR when it is one exact prefix, else "first-last". */
  network: string;
  /** How much the range tells about the queried network (its size, and whether it covers all of it). */
  confidence: 'high' | 'medium' | 'low';
  /**
   * Short and human: which source decided the class ("curated: …", "open list: …", "organisation: …",
   * "name rule: …"; docs/classification.md lists them), plus any caveat about the match.
   */
  reason: string;
}

export interface IpIntel {
  /** `network` is the truncated CIDR from the queue message. */
  lookupOrganisation(network: string): NetworkMatch | undefined;
  /** Country 'ZZ' when unknown. */
  locate(network: string): Location;
}
