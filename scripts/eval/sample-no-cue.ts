/**
 * Draws the no-cue probe (data/classification-eval/PROTOCOL.md, "The no-cue probe"): development holders that the
 * second review left in `hosting` because their name gives no cue ("no cue: LLC") and that hold one /24 and nothing
 * else of IPv4, the shape of a company's own office block. The labels of this sample decide, by a rule written down
 * before they were made, whether such holders become `business`.
 *
 *   npx tsx scripts/eval/sample-no-cue.ts      (after npm run build:ipdata)
 *
 * Only the `dev` split; holders already in sample.csv or sample-dev2.csv are left out. Deterministic: same artefact,
 * same seed, same sample. Writes data/classification-eval/sample-no-cue.csv and prints the population's size. The
 * group is found by its curated row, so the draw is the same before and after the rule it decided.
 *
 * With `--mixed`, the check of that rule in a labeller's usual context (PROTOCOL.md, "The no-cue probe, mixed"):
 * 45 more holders of the group, hidden among 90 other development holders drawn uniformly from the whole table,
 * written to sample-no-cue-mixed.csv (`stratum` says which is which; the labellers do not see it).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seededRandom } from '../bench/workload';
import { csvField, readCsv } from '../build/csv';
import { loadArtefactClasses, structureByAsn } from './holders';
import { splitOf } from './split';

const MIXED = process.argv.includes('--mixed');
const SEED = MIXED ? 20261207 : 20261206;
const SIZE = MIXED ? 45 : 90;
const DECOYS = 90;
const ROOT = resolve(process.cwd());
const EVAL = join(ROOT, 'data', 'classification-eval');

/** A curated row that says the name gave no cue; the rule the probe decided keeps it at the end of its reason. */
const isNoCueCurated = (reason: string): boolean => reason.startsWith('curated: no cue') || reason.includes('; curated: no cue');
const sampled = (file: string): Set<number> => new Set(readCsv(join(EVAL, file)).map((row) => Number(row.asn)));

function main(): void {
  const classes = loadArtefactClasses(join(ROOT, 'build', 'ipdata'));
  const structure = structureByAsn(classes);
  const taken = new Set([...sampled('sample.csv'), ...sampled('sample-dev2.csv'), ...(MIXED ? sampled('sample-no-cue.csv') : [])]);
  const noCue = [...classes.byAsn].filter(([, c]) => isNoCueCurated(c.reason));
  const single24 = noCue.filter(([asn]) => structure.get(asn)?.ipv4Addresses === 256 && structure.get(asn)?.ipv4Ranges === 1);
  const pool = single24.filter(([asn]) => splitOf(asn) === 'dev' && !taken.has(asn)).sort(([a], [b]) => a - b);
  const random = seededRandom(SEED);
  const chosen: typeof pool = [];
  while (chosen.length < SIZE && pool.length > 0) chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  const stratumOf = new Map(chosen.map(([asn]) => [asn, 'no-cue-single-24']));
  if (MIXED) {
    const group = new Set(single24.map(([asn]) => asn));
    const others = [...classes.byAsn].filter(([asn]) => splitOf(asn) === 'dev' && !taken.has(asn) && !group.has(asn)).sort(([a], [b]) => a - b);
    for (let i = 0; i < DECOYS; i++) stratumOf.set(others.splice(Math.floor(random() * others.length), 1)[0]![0], 'decoy');
  }
  const rows = ['asn,name,ipv4_addresses,ranges,has_ipv6,stratum,class_now,split'];
  for (const [asn, stratum] of [...stratumOf].sort(([a], [b]) => a - b)) {
    const s = structure.get(asn)!;
    const c = classes.byAsn.get(asn)!;
    rows.push([asn, csvField(c.name), s.ipv4Addresses, s.ipv4Ranges, s.ipv6Prefix !== undefined, stratum, c.networkClass, 'dev'].join(','));
  }
  writeFileSync(join(EVAL, MIXED ? 'sample-no-cue-mixed.csv' : 'sample-no-cue.csv'), rows.join('\n') + '\n');
  console.log(`no-cue hosting holders: ${noCue.length}; of them one /24 and nothing else: ${single24.length}; drawn ${chosen.length} of the dev split's ${chosen.length + pool.length}`);
}

main();
