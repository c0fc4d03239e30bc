/**
 * The holders a curation pass reviews (docs/classification.md, "Curation protocol: the rest of the leads"): every
 * holder the built artefact classes `business` without a curated row, largest IPv4 space first, with what a curator
 * judges from: the registered name, the country of its largest range (DB-IP), its IPv4 address count and ranges,
 * and whether it announces IPv6. Writes build/curation/worklist.csv and, with `--chunks N`, N files of about equal
 * length beside it (worklist-01.csv, …), holders spread round-robin so each chunk has large and small ones.
 *
 *   npx tsx scripts/eval/curation-worklist.ts --chunks 4
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CURATOR_HEADER, curatorLine, curatorViews } from './curator-view';
import { loadArtefactClasses, sourceOf } from './holders';

const ROOT = resolve(process.cwd());
const DATA_DIR = join(ROOT, 'build', 'ipdata');
const OUT_DIR = join(ROOT, 'build', 'curation');

const classes = loadArtefactClasses(DATA_DIR);
const views = curatorViews(classes, DATA_DIR);
const rows = [...classes.byAsn]
  .filter(([, holder]) => holder.networkClass === 'business' && sourceOf(holder.reason) !== 'curated')
  .map(([asn]) => views.get(asn)!)
  .sort((a, b) => b.ipv4 - a.ipv4 || a.asn - b.asn);

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'worklist.csv'), [CURATOR_HEADER, ...rows.map(curatorLine)].join('\n') + '\n');
const chunksArg = process.argv.indexOf('--chunks');
const chunks = chunksArg >= 0 ? Number(process.argv[chunksArg + 1]) : 0;
for (let chunk = 0; chunk < chunks; chunk++) {
  const mine = rows.filter((_, index) => index % chunks === chunk);
  writeFileSync(join(OUT_DIR, `worklist-${String(chunk + 1).padStart(2, '0')}.csv`), [CURATOR_HEADER, ...mine.map(curatorLine)].join('\n') + '\n');
}
console.log(`curation worklist: ${rows.length} holders classed business without a curated row${chunks ? `, in ${chunks} chunks` : ''} (${OUT_DIR})`);
