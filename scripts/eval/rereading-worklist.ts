/**
 * The holders the third review reads again under the labelling protocol (docs/classification.md, "Curation protocol:
 * the third review"): every curated `hosting` row whose reason says the name gave no cue, and every curated carrier or
 * hosting row of a holder alone in its organisation that holds one IPv4 range of at most 256 addresses (the shape of
 * a company's office block, where the development misses gathered). The AS numbers of one organisation
 * (names.ts `organisationKey`) go together, in one chunk. Writes build/curation/reread-NN.csv: the curator's view plus
 * the organisation key. The readers' instructions: data/classification/rereading-instructions.md; every chunk is read
 * twice, by two readers (the merge keeps a row only where both agree).
 *
 *   npx tsx scripts/eval/rereading-worklist.ts      (after npm run build:ipdata)
 *
 * The worklist the review read was made at commit e0b4e26, before its merge; run later, it lists what is left.
 */
import { resolve } from 'node:path';
import { curatorViews } from './curator-view';
import { loadArtefactClasses, structureByAsn } from './holders';
import { curatorsRows, organisations, WORKLIST_DIR, writeWorklists } from './worklist';

const ROOT = resolve(process.cwd());
const DATA_DIR = resolve(ROOT, 'build', 'ipdata');
const CHUNK_ROWS = 150;

const curated = curatorsRows(ROOT);
const classes = loadArtefactClasses(DATA_DIR);
const structure = structureByAsn(classes);
const { keyOf, groupsOf } = organisations(classes);
const aloneInOrganisation = (asn: number): boolean => groupsOf([asn])[0]!.length === 1;

const noCue = (asn: number): boolean => curated.get(asn)?.networkClass === 'hosting' && (curated.get(asn)?.reason ?? '').startsWith('no cue');
const officeShaped = (asn: number): boolean => {
  const row = curated.get(asn);
  const s = structure.get(asn);
  return (row?.networkClass === 'isp' || row?.networkClass === 'hosting') && s?.ipv4Ranges === 1 && s.ipv4Addresses <= 256 && aloneInOrganisation(asn);
};

const groups = groupsOf([...classes.byAsn.keys()].filter((asn) => noCue(asn) || officeShaped(asn)));
const { total, chunks } = writeWorklists(ROOT, 'reread', groups, CHUNK_ROWS, { keyOf, views: curatorViews(classes, DATA_DIR) });
const counted = (test: (asn: number) => boolean) => [...classes.byAsn.keys()].filter(test).length;
console.log(`third review: ${total} AS numbers of ${groups.length} organisations (${counted(noCue)} no-cue rows, ${counted((a) => !noCue(a) && officeShaped(a))} office-shaped carrier or hosting rows), in ${chunks} chunks of about ${CHUNK_ROWS} (${WORKLIST_DIR})`);
