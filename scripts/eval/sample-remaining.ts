/**
 * Draws the two planning probes of PROTOCOL.md, "Where the remaining misses may be": 150 development holders each from
 * the holders classed carrier or hosting by a name rule, and by a curated row (after the third review), among holders
 * with IPv4 in no earlier sample. Writes /work/label-p/{name-rule,curated}.csv in the curator's view, for readers.
 *
 *   npx tsx scripts/eval/sample-remaining.ts [outDir]      (after npm run build:ipdata; artefact of commit ab50da0)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seededRandom } from '../bench/workload';
import { readCsv } from '../build/csv';
import { CURATOR_HEADER, curatorLine, curatorViews } from './curator-view';
import { loadArtefactClasses } from './holders';
import { splitOf } from './split';

const ROOT = resolve(process.cwd());
const DATA_DIR = join(ROOT, 'build', 'ipdata');
const EVAL = join(ROOT, 'data', 'classification-eval');
const OUT = resolve(process.argv[2] ?? '/work/label-p');
const SIZE = 150;
const SAMPLES = ['sample.csv', 'sample-dev2.csv', 'sample-no-cue.csv', 'sample-no-cue-mixed.csv', 'sample-heldout2.csv'];

const classes = loadArtefactClasses(DATA_DIR);
const views = curatorViews(classes, DATA_DIR);
const taken = new Set(SAMPLES.flatMap((file) => readCsv(join(EVAL, file)).map((row) => Number(row.asn))));
const carrierOrHosting = [...classes.byAsn].filter(([asn, h]) => (h.networkClass === 'isp' || h.networkClass === 'hosting') && views.get(asn)!.ipv4 > 0);
const pools = {
  'name-rule': carrierOrHosting.filter(([, h]) => h.reason.startsWith('name rule')),
  curated: carrierOrHosting.filter(([, h]) => h.reason.startsWith('curated:')),
};
const random = seededRandom(20261209);
mkdirSync(OUT, { recursive: true });
for (const [name, pool] of Object.entries(pools)) {
  const candidates = pool.filter(([asn]) => splitOf(asn) === 'dev' && !taken.has(asn)).sort(([a], [b]) => a - b);
  const chosen: number[] = [];
  while (chosen.length < SIZE) chosen.push(candidates.splice(Math.floor(random() * candidates.length), 1)[0]![0]);
  chosen.sort((a, b) => a - b);
  writeFileSync(join(OUT, `${name}.csv`), [CURATOR_HEADER, ...chosen.map((asn) => curatorLine(views.get(asn)!))].join('\n') + '\n');
  console.log(`${name}: ${pool.length} holders, drew ${SIZE} of the development split's ${candidates.length + SIZE}`);
}
