/**
 * `npm run bench:ip`: how fast the IP intelligence is, measured in this run and on this machine.
 *
 *   - lookups per second of `lookupOrganisation` (the string API the enrichment Lambda calls) against the `maxmind`
 *     package's Reader, on the same seeded random networks, IPv4 and IPv6, in the same process, after checking
 *     every answer of ours against a slow reference (see crossCheck);
 *   - size of asn.bin and its load time, `loadIpIntel` cold init, heap and RSS after load (fresh child processes);
 *   - the enrichment bundle, built with the local esbuild as lib/constructs/lambda-function.ts does, its size and
 *     the time its module takes to initialise in a fresh process.
 *
 * Writes build/bench-ip.json as well. No npm package writes MMDB files, so the maxmind side reads the DB-IP city
 * databases the Lambda ships for `locate()`; their records (country, region, city, coordinates) take longer to
 * decode than an ASN record would. The figures say so where they are printed.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnTable } from '../../functions/domain/ip-intel/asn-table';
import { ASN_FILE, CITY_V4_FILE, CITY_V6_FILE } from '../../functions/domain/ip-intel/format';
import { buildIpData } from '../build/ipdata';
import { bundle, CHILD_RUNS, childNodeVersion, enrichmentColdInit, medianOfRuns, ROOT } from './ip/cold-init';
import { GOALS, goalsMet, report } from './ip/report';
import { sampleV4, sampleV6, SEED, V4_COUNT, V6_COUNT } from './ip/sample';
import { throughput } from './ip/throughput';
import { seededRandom } from './workload';

const RESULT_FILE = join(ROOT, 'build', 'bench-ip.json');

async function main(): Promise<void> {
  const started = performance.now();
  const { outDir: dataDir } = buildIpData({ ifStale: true, log: (line) => console.error(line) });
  const artefactBytes = statSync(join(dataDir, ASN_FILE)).size;
  const cityBytes = statSync(join(dataDir, CITY_V4_FILE)).size + statSync(join(dataDir, CITY_V6_FILE)).size;

  console.error('bench: bundling the enrichment handler ...');
  const bundled = await bundle();

  console.error('bench: loading in fresh processes ...');
  const artefact = medianOfRuns([bundled.probe, 'artefact', dataDir]);
  const init = medianOfRuns(['--expose-gc', bundled.probe, 'init', dataDir]);
  const enrichment = enrichmentColdInit(bundled.handler, dataDir);

  console.error(`bench: ${V4_COUNT} IPv4 /24s and ${V6_COUNT} IPv6 /48s (seed ${SEED}) ...`);
  const table4 = new AsnTable(readFileSync(join(dataDir, ASN_FILE)));
  // Mulberry32, the same generator this benchmark always drew with: a seed still gives the same networks.
  const random = seededRandom(SEED);
  const v4 = throughput(dataDir, table4, 4, sampleV4(table4, random));
  const v6 = throughput(dataDir, table4, 6, sampleV6(table4, random));

  const goals = goalsMet(v4, artefact, enrichment, artefactBytes);
  const childNode = childNodeVersion();
  console.log(report({ started, childNode, artefactBytes, cityBytes, bundled, artefact, init, enrichment, v4, v6, goals }));

  const result = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    childNode,
    arch: process.arch,
    seed: SEED,
    comparison: 'maxmind Reader (no cache) on the DB-IP city MMDB of the same family; no ASN MMDB exists on npm',
    lookups: { ipv4: { networks: V4_COUNT, ...v4 }, ipv6: { networks: V6_COUNT, ...v6 } },
    artefact: { bytes: artefactBytes, cityMmdbBytes: cityBytes, loadMs: artefact.loadMs, loadAndFirstLookupsMs: artefact.readyMs },
    loadIpIntel: init,
    enrichment: { bundleBytes: bundled.handlerBytes, sourceMapBytes: bundled.mapBytes, ...enrichment },
    loadMethod: `median of ${CHILD_RUNS} fresh processes, files in the OS page cache`,
    goals: { targets: GOALS, met: goals },
  };
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.error(`bench: results written to ${RESULT_FILE}`);
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
