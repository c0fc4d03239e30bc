import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { loadIpIntel } from '../../../functions/domain/ip-intel';
import type { AsnTable } from '../../../functions/domain/ip-intel/asn-table';
import { CITY_V4_FILE, CITY_V6_FILE } from '../../../functions/domain/ip-intel/format';
import { crossCheck } from './reference';
import type { Sample } from './sample';
import { headToHead, measure, ROUNDS, type HeadToHead, type Pass } from './timing';

export interface Throughput extends HeadToHead {
  oursNumeric: number;
  oursLocate: number;
  paths: Sample['paths'];
  /** Networks whose answer was checked against the slow reference, all of them. */
  checked: number;
  /** Networks whose country from locate() was checked against maxmind's record for the address. */
  locateChecked: number;
  located: number;
}

export function throughput(dataDir: string, table: AsnTable, family: 4 | 6, sample: Sample): Throughput {
  const intel = loadIpIntel(dataDir);
  const reader = new Reader<Response>(readFileSync(join(dataDir, family === 4 ? CITY_V4_FILE : CITY_V6_FILE)));
  const { networks, addresses, words } = sample;
  const n = networks.length;
  const ours: Pass = () => {
    let found = 0;
    for (let k = 0; k < n; k++) if (intel.lookupOrganisation(networks[k] ?? '') !== undefined) found++;
    return found;
  };
  const maxmind: Pass = () => {
    let found = 0;
    for (let k = 0; k < n; k++) if (reader.get(addresses[k] ?? '') !== null) found++;
    return found;
  };
  const numeric =
    family === 4
      ? (): number => {
          let found = 0;
          for (let k = 0; k < n; k++) if (intel.lookupIPv4Network(words[k] ?? 0, 24) !== undefined) found++;
          return found;
        }
      : (): number => {
          let found = 0;
          for (let k = 0; k < n; k++) {
            if (intel.lookupIPv6Network(words[2 * k] ?? 0, words[2 * k + 1] ?? 0, 48) !== undefined) found++;
          }
          return found;
        };
  const locate = (): number => {
    let found = 0;
    for (let k = 0; k < n; k++) if (intel.locate(networks[k] ?? '').country !== 'ZZ') found++;
    return found;
  };
  const { checked, locateChecked } = crossCheck(intel, table, reader, family, sample);
  // Warm-up (the head-to-head warms its two sides itself): the cross-check already built the lazy indexes and the
  // per-range matches; the JIT settles on the other two.
  numeric();
  for (let k = 0; k < 20_000; k++) intel.locate(networks[k] ?? '');
  const h = headToHead(ROUNDS, n, ours, maxmind);
  const on = measure(ROUNDS, n, numeric);
  const l = measure(1, n, locate);
  if (on.found !== h.oursFound) throw new Error(`IPv${family}: the numeric and string APIs disagree (${on.found} vs ${h.oursFound})`);
  return { ...h, oursNumeric: on.perSecond, oursLocate: l.perSecond, paths: sample.paths, checked, locateChecked, located: l.found };
}
