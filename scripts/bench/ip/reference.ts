import type { Reader, Response } from 'maxmind';
import type { IpIntelEngine, NetworkMatch } from '../../../functions/domain/ip-intel';
import type { AsnTable } from '../../../functions/domain/ip-intel/asn-table';
import { formatIPv4Range, formatIPv6Range, parseNetwork } from '../../../functions/domain/ip-intel/cidr';
import type { Sample } from './sample';

/**
 * The slow reference for one network: the general parser (regular expressions) and the general range walk, none
 * of the code the fast path uses (parseNetworkInto, spanV4, coveringV6, the match caches).
 */
function referenceAnswer(table: AsnTable, network: string): string | undefined {
  const query = parseNetwork(network);
  const hit = query.family === 4 ? table.lookupV4(query.first, query.last) : table.lookupV6(query.first, query.last);
  if (hit === undefined) return undefined;
  const range =
    typeof hit.first === 'bigint' && typeof hit.last === 'bigint'
      ? formatIPv6Range(hit.first, hit.last)
      : formatIPv4Range(Number(hit.first), Number(hit.last));
  return `${hit.asn} ${hit.name} ${range} ${hit.coversAll ? 'whole' : 'part'}`;
}

const answerOf = (match: NetworkMatch | undefined): string | undefined =>
  match && `${match.asn} ${match.name} ${match.network} ${match.confidence === 'low' ? 'part' : 'whole'}`;

/**
 * Before anything is timed: every network's answer from lookupOrganisation must equal the slow reference's, and
 * both readers must be asked about the same addresses (the maxmind address is the network's first address, and
 * `locate()` of the network, which reads the same MMDB, gives the country maxmind's record has).
 */
export function crossCheck(
  intel: IpIntelEngine,
  table: AsnTable,
  reader: Reader<Response>,
  family: 4 | 6,
  sample: Sample,
): { checked: number; locateChecked: number } {
  const { networks, addresses } = sample;
  const prefix = family === 4 ? 24 : 48;
  for (let k = 0; k < networks.length; k++) {
    const network = networks[k] ?? '';
    if (network !== `${addresses[k]}/${prefix}`) throw new Error(`IPv${family}: item ${k} differs between the two readers`);
    const ours = answerOf(intel.lookupOrganisation(network));
    const reference = referenceAnswer(table, network);
    if (ours !== reference) {
      throw new Error(`IPv${family}: ${network}: lookupOrganisation says ${ours ?? 'nothing'}, the slow reference ${reference ?? 'nothing'}`);
    }
  }
  let locateChecked = 0;
  for (let k = 0; k < networks.length; k += 97) {
    const record = reader.get(addresses[k] ?? '') as { country_code?: string } | null;
    const expected = record?.country_code?.toUpperCase() ?? 'ZZ';
    const country = intel.locate(networks[k] ?? '').country;
    if (country !== expected) throw new Error(`IPv${family}: ${networks[k]}: locate() says ${country}, maxmind ${expected}`);
    locateChecked++;
  }
  return { checked: networks.length, locateChecked };
}
