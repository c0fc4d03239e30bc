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
 *
 * With `--review seventh` for the seventh review (`seventhReviewReads`; worklists screen7-NN.csv and seventh-NN.csv,
 * whose listed holders are read three times; made at commit 33df715's artefact), and `--review eighth` for the
 * eighth (holders without IPv4; worklists screen8-NN.csv and eighth-NN.csv, read three times likewise).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASSIFICATION_DIR } from '../build/classification-data';
import { readCsv } from '../build/csv';
import { curatorViews } from './curator-view';
import { loadArtefactClasses, sourceOf } from './holders';
import { curatorsRows, organisations, WORKLIST_DIR, writeWorklists } from './worklist';

const ROOT = resolve(process.cwd());
const DATA_DIR = join(ROOT, 'build', 'ipdata');
const REVIEW = process.argv.includes('--review') ? process.argv[process.argv.indexOf('--review') + 1] : 'fourth';
const PREFIXES: Record<string, [string, string]> = {
  fourth: ['screen', 'fourth'],
  fifth: ['screen5', 'fifth'],
  seventh: ['screen7', 'seventh'],
  eighth: ['screen8', 'eighth'],
};
if (!REVIEW || !PREFIXES[REVIEW]) throw new Error(`--review: one of ${Object.keys(PREFIXES).join(', ')}`);
const [SCREEN, READ] = PREFIXES[REVIEW];

const classes = loadArtefactClasses(DATA_DIR);
const views = curatorViews(classes, DATA_DIR);
const { keyOf, groupsOf } = organisations(classes);

/**
 * The seventh review: the non-business holders no reader has judged under the protocol. Carrier and hosting rows of
 * the brand lists, the structural signals and the organisation rule; public and education rows of the name rules, the
 * organisation rule and the curators' files. Not the open lists (outside evidence), not `unknown` (persons stay out of
 * leads), not what the fourth and fifth reviews screened or two readers agreed on.
 */
function seventhReviewReads(networkClass: string, source: string, judgedOnceByCurator: boolean): boolean {
  if (networkClass === 'isp' || networkClass === 'hosting') return source === 'brand' || source === 'structure' || source === 'organisation';
  if (networkClass === 'education' || networkClass === 'government') return source === 'name rule' || source === 'organisation' || (source === 'curated' && judgedOnceByCurator);
  return false;
}

/** AS numbers of the 0.1 lists and of rows two or three readers agreed on, which the eighth review leaves alone. */
function settledRows(): Set<number> {
  const dir = join(ROOT, CLASSIFICATION_DIR);
  const files = readdirSync(dir).filter((file) => /^(curated|reread-\d\d|fourth-\d\d|fifth-\d\d|seventh-\d\d)-asns\.csv$/.test(file));
  return new Set(files.flatMap((file) => readCsv(join(dir, file)).map((row) => Number(row.asn))));
}

function write(prefix: string, groups: number[][], rowsPerChunk: number): void {
  const { total, chunks } = writeWorklists(ROOT, prefix, groups, rowsPerChunk, { keyOf, views });
  console.log(`${prefix}: ${total} AS numbers of ${groups.length} organisations in ${chunks} chunks (${WORKLIST_DIR})`);
}

const listedArg = process.argv.indexOf('--listed');
if (listedArg < 0) {
  // The fifth review reads the curated rows judged once, by a curator's instructions, not yet by two readers.
  const once = curatorsRows(ROOT);
  // The eighth review reads the holders without IPv4, which no sample can draw; the others those with IPv4.
  const ipv6Only = REVIEW === 'eighth';
  const settled = ipv6Only ? settledRows() : new Set<number>();
  const inFrame = [...classes.byAsn].filter(([asn]) => (views.get(asn)!.ipv4 > 0) !== ipv6Only);
  const chosen = inFrame.filter(([asn, h]) => {
    const carrierOrHosting = h.networkClass === 'isp' || h.networkClass === 'hosting';
    if (ipv6Only) return carrierOrHosting && sourceOf(h.reason) !== 'open list' && !settled.has(asn);
    if (REVIEW === 'fourth') return carrierOrHosting && h.reason.startsWith('name rule');
    if (REVIEW === 'fifth') return carrierOrHosting && h.reason.startsWith('curated:') && once.has(asn);
    return seventhReviewReads(h.networkClass, sourceOf(h.reason), once.has(asn));
  });
  write(SCREEN, groupsOf(chosen.map(([asn]) => asn)), 600);
} else {
  const dir = resolve(process.argv[listedArg + 1]!);
  const screens = readdirSync(join(ROOT, WORKLIST_DIR)).filter((f) => new RegExp(`^${SCREEN}-\\d\\d\\.csv$`).test(f)).sort();
  const listed = new Set<number>();
  for (const screen of screens) {
    const nn = screen.slice(SCREEN.length + 1, SCREEN.length + 3);
    // Every chunk must have been screened; a missing file is an error, not "no companies".
    for (const row of readCsv(join(dir, nn, `${SCREEN}-${nn}-companies.csv`))) if (classes.byAsn.has(Number(row.asn))) listed.add(Number(row.asn));
  }
  // Rows two or three readers settled stay as they are, even beside a listed holder of their organisation.
  const settled = REVIEW === 'eighth' ? settledRows() : new Set<number>();
  write(READ, groupsOf(listed).map((asns) => asns.filter((asn) => !settled.has(asn))).filter((asns) => asns.length > 0), 150);
}
