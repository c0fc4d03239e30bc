/**
 * The holders the second review looks at again (docs/classification.md, "Curation protocol: the second review"):
 * first-pass rows (the largest holders' and the tail's) that put an organisation in `hosting` on a guess or by the
 * first pass's rule for IT firms, which was broader than PROTOCOL.md's, and every organisation whose AS numbers the
 * first pass classed differently. Rows of one organisation (names.ts `organisationKey`) stay together, in one chunk,
 * so they are judged once. Writes build/curation/review-NN.csv: the curator's view plus the organisation key. The
 * curators' instructions: data/classification/review-instructions.md.
 *
 *   npx tsx scripts/eval/review-worklist.ts --chunks 5
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
/** The first pass's files; curated-asns.csv (the 0.1 lists, with deliberate splits of mixed organisations) is not reviewed. */
const FIRST_PASS = /^(top-holders|tail-\d\d)-asns\.csv$/;
/** A first-pass reason about an IT, software or service firm rather than about hosting itself. */
const IT_FIRM = /IT outsourcer|\bIT\b|software|tech|solution|system|consult|integrat|firm|platform|SaaS|secur|gam(e|ing)|develop|agency|digital|trading|company|LLC|holder|network$/i;

interface FirstPassRow { readonly asn: number; readonly networkClass: string; readonly organisation: string; readonly reason: string; readonly confidence: string }

const firstPass: FirstPassRow[] = readdirSync(join(ROOT, CLASSIFICATION_DIR))
  .filter((file) => FIRST_PASS.test(file))
  .flatMap((file) => readCsv(join(ROOT, CLASSIFICATION_DIR, file)))
  .map((row) => ({ asn: Number(row.asn), networkClass: row.class ?? '', organisation: row.organisation ?? '', reason: row.reason ?? '', confidence: row.confidence ?? '' }));

const isCandidate = (row: FirstPassRow): boolean =>
  row.networkClass === 'hosting' && (row.confidence === 'unsure' || IT_FIRM.test(row.reason));

const groups = new Map<string, FirstPassRow[]>();
for (const row of firstPass) {
  const key = organisationKey(row.organisation) || `AS${row.asn}`;
  groups.set(key, [...(groups.get(key) ?? []), row]);
}
const chosen = [...groups].filter(([, rows]) => rows.some(isCandidate) || new Set(rows.map((r) => r.networkClass)).size > 1);

const classes = loadArtefactClasses(DATA_DIR);
const views = curatorViews(classes, DATA_DIR);
const groupSize = (rows: readonly FirstPassRow[]) => rows.reduce((sum, r) => sum + (views.get(r.asn)?.ipv4 ?? 0), 0);
chosen.sort(([ka, a], [kb, b]) => groupSize(b) - groupSize(a) || ka.localeCompare(kb));

const chunksArg = process.argv.indexOf('--chunks');
const chunks = chunksArg >= 0 ? Number(process.argv[chunksArg + 1]) : 1;
mkdirSync(OUT_DIR, { recursive: true });
for (let chunk = 0; chunk < chunks; chunk++) {
  const lines = chosen
    .filter((_, index) => index % chunks === chunk)
    .flatMap(([key, rows]) => rows.flatMap((r) => (views.has(r.asn) ? [`${curatorLine(views.get(r.asn)!)},${csvField(key)}`] : [])));
  writeFileSync(join(OUT_DIR, `review-${String(chunk + 1).padStart(2, '0')}.csv`), [`${CURATOR_HEADER},organisation_key`, ...lines].join('\n') + '\n');
}
const total = chosen.reduce((sum, [, rows]) => sum + rows.length, 0);
console.log(`second review: ${total} first-pass rows of ${chosen.length} organisations (${firstPass.filter(isCandidate).length} hosting rows on a guess or an IT-firm reason), in ${chunks} chunks (${OUT_DIR})`);
