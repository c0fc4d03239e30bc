/**
 * The fourth review's worklists (docs/classification.md, "Curation protocol: the fourth review").
 *
 *   npx tsx scripts/eval/screening-worklist.ts                 step 1: build/curation/screen-NN.csv, every holder with
 *                                                              IPv4 that a name rule classes carrier or hosting, with
 *                                                              its organisation's other AS numbers, ~600 a chunk
 *   npx tsx scripts/eval/screening-worklist.ts --listed DIR    step 2: build/curation/fourth-NN.csv, the holders the
 *                                                              screeners listed (DIR/NN/screen-NN-companies.csv), ~150
 * Both in the curator's view plus the organisation key (made at commit 1ba1e71's artefact).
 *
 * With `--review fifth` the same two steps for the fifth review: the holders with IPv4 that a curated row classes
 * carrier or hosting, except rows of curated-asns.csv (the 0.1 lists) and of the third review, which two readers
 * have just agreed on (worklists screen5-NN.csv and fifth-NN.csv, made at commit e668c28's artefact).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { organisationKey } from '../../functions/domain/ip-intel/names';
import { CLASSIFICATION_DIR } from '../build/classification-data';
import { csvField, readCsv } from '../build/csv';
import { CURATOR_HEADER, curatorLine, curatorViews } from './curator-view';
import { loadArtefactClasses } from './holders';

const ROOT = resolve(process.cwd());
const DATA_DIR = join(ROOT, 'build', 'ipdata');
const OUT_DIR = join(ROOT, 'build', 'curation');

const classes = loadArtefactClasses(DATA_DIR);
const views = curatorViews(classes, DATA_DIR);
const keyOf = (asn: number): string => organisationKey(classes.byAsn.get(asn)!.name) || `AS${asn}`;
const members = new Map<string, number[]>();
for (const asn of classes.byAsn.keys()) members.set(keyOf(asn), [...(members.get(keyOf(asn)) ?? []), asn]);

function write(prefix: string, groups: ReadonlyArray<readonly number[]>, perChunk: number): void {
  const total = groups.reduce((sum, asns) => sum + asns.length, 0);
  const chunks = Math.ceil(total / perChunk);
  mkdirSync(OUT_DIR, { recursive: true });
  for (let chunk = 0; chunk < chunks; chunk++) {
    const lines = groups
      .filter((_, index) => index % chunks === chunk)
      .flatMap((asns) => asns.map((asn) => `${curatorLine(views.get(asn)!)},${csvField(keyOf(asn))}`));
    writeFileSync(join(OUT_DIR, `${prefix}-${String(chunk + 1).padStart(2, '0')}.csv`), [`${CURATOR_HEADER},organisation_key`, ...lines].join('\n') + '\n');
  }
  console.log(`${prefix}: ${total} AS numbers of ${groups.length} organisations in ${chunks} chunks (${OUT_DIR})`);
}

const groupsOf = (asns: Iterable<number>): number[][] => {
  const keys = new Set([...asns].map(keyOf));
  return [...keys].map((key) => members.get(key)!).sort((a, b) => a[0]! - b[0]!);
};

const FIFTH = process.argv.includes('--review') && process.argv[process.argv.indexOf('--review') + 1] === 'fifth';
const [SCREEN, READ] = FIFTH ? ['screen5', 'fifth'] : ['screen', 'fourth'];

/** The curated rows a fifth-review screener reads: judged once, by a curator's instructions, not by two readers. */
function curatedOnce(): Set<number> {
  const once = new Set<number>();
  for (const file of readdirSync(join(ROOT, CLASSIFICATION_DIR)).filter((f) => /^(top-holders|tail-\d\d|review-\d\d)-asns\.csv$/.test(f))) {
    for (const row of readCsv(join(ROOT, CLASSIFICATION_DIR, file))) once.add(Number(row.asn));
  }
  return once;
}

const listedArg = process.argv.indexOf('--listed');
if (listedArg < 0) {
  const carrierOrHosting = [...classes.byAsn].filter(([asn, h]) => (h.networkClass === 'isp' || h.networkClass === 'hosting') && views.get(asn)!.ipv4 > 0);
  const once = FIFTH ? curatedOnce() : undefined;
  const chosen = carrierOrHosting.filter(([asn, h]) => (once ? h.reason.startsWith('curated:') && once.has(asn) : h.reason.startsWith('name rule')));
  write(SCREEN, groupsOf(chosen.map(([asn]) => asn)), 600);
} else {
  const dir = resolve(process.argv[listedArg + 1]!);
  const screens = readdirSync(OUT_DIR).filter((f) => new RegExp(`^${SCREEN}-\\d\\d\\.csv$`).test(f)).sort();
  const listed = new Set<number>();
  for (const screen of screens) {
    const nn = screen.slice(SCREEN.length + 1, SCREEN.length + 3);
    // Every chunk must have been screened; a missing file is an error, not "no companies".
    for (const row of readCsv(join(dir, nn, `${SCREEN}-${nn}-companies.csv`))) if (classes.byAsn.has(Number(row.asn))) listed.add(Number(row.asn));
  }
  write(READ, groupsOf(listed), 150);
}
