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
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { organisationKey } from '../../functions/domain/ip-intel/names';
import { CLASSIFICATION_DIR } from '../build/classification-data';
import { csvField, readCsv } from '../build/csv';
import { CURATOR_HEADER, curatorLine, curatorViews } from './curator-view';
import { loadArtefactClasses, structureByAsn } from './holders';

const ROOT = resolve(process.cwd());
const DATA_DIR = join(ROOT, 'build', 'ipdata');
const OUT_DIR = join(ROOT, 'build', 'curation');
/** The curators' files; curated-asns.csv (the 0.1 lists, with deliberate splits of mixed organisations) is not read again. */
const JUDGED = /^(top-holders|tail-\d\d|review-\d\d)-asns\.csv$/;
const CHUNK_ROWS = 150;

const curated = new Map<number, { networkClass: string; reason: string }>();
for (const file of readdirSync(join(ROOT, CLASSIFICATION_DIR)).filter((f) => JUDGED.test(f))) {
  for (const row of readCsv(join(ROOT, CLASSIFICATION_DIR, file))) curated.set(Number(row.asn), { networkClass: row.class ?? '', reason: row.reason ?? '' });
}

const classes = loadArtefactClasses(DATA_DIR);
const structure = structureByAsn(classes);
const keyOf = (asn: number): string => organisationKey(classes.byAsn.get(asn)!.name) || `AS${asn}`;
const members = new Map<string, number[]>();
for (const asn of classes.byAsn.keys()) members.set(keyOf(asn), [...(members.get(keyOf(asn)) ?? []), asn]);

const noCue = (asn: number): boolean => curated.get(asn)?.networkClass === 'hosting' && (curated.get(asn)?.reason ?? '').startsWith('no cue');
const officeShaped = (asn: number): boolean => {
  const row = curated.get(asn);
  const s = structure.get(asn);
  return (row?.networkClass === 'isp' || row?.networkClass === 'hosting') && s?.ipv4Ranges === 1 && s.ipv4Addresses <= 256 && members.get(keyOf(asn))!.length === 1;
};

const chosen = new Map<string, number[]>();
for (const asn of classes.byAsn.keys()) if (noCue(asn) || officeShaped(asn)) chosen.set(keyOf(asn), members.get(keyOf(asn))!);
const groups = [...chosen].sort(([, a], [, b]) => a[0]! - b[0]!);
const total = groups.reduce((sum, [, asns]) => sum + asns.length, 0);
const chunks = Math.ceil(total / CHUNK_ROWS);
const views = curatorViews(classes, DATA_DIR);

mkdirSync(OUT_DIR, { recursive: true });
for (let chunk = 0; chunk < chunks; chunk++) {
  const lines = groups
    .filter((_, index) => index % chunks === chunk)
    .flatMap(([key, asns]) => asns.map((asn) => `${curatorLine(views.get(asn)!)},${csvField(key)}`));
  writeFileSync(join(OUT_DIR, `reread-${String(chunk + 1).padStart(2, '0')}.csv`), [`${CURATOR_HEADER},organisation_key`, ...lines].join('\n') + '\n');
}
const counted = (test: (asn: number) => boolean) => [...classes.byAsn.keys()].filter(test).length;
console.log(`third review: ${total} AS numbers of ${groups.length} organisations (${counted(noCue)} no-cue rows, ${counted((a) => !noCue(a) && officeShaped(a))} office-shaped carrier or hosting rows), in ${chunks} chunks of about ${CHUNK_ROWS} (${OUT_DIR})`);
