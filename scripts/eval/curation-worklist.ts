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
import { loadIpIntel } from '../../functions/domain/ip-intel';
import { loadArtefactClasses, sourceOf, structureByAsn } from './holders';

const ROOT = resolve(process.cwd());
const DATA_DIR = join(ROOT, 'build', 'ipdata');
const OUT_DIR = join(ROOT, 'build', 'curation');

const csvField = (value: string | number | boolean): string => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const dotted = (address: number): string => [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');

const classes = loadArtefactClasses(DATA_DIR);
const structure = structureByAsn(classes);
const intel = loadIpIntel(DATA_DIR);
const largestRange = new Map<number, { first: number; last: number }>();
for (let i = 0; i < classes.table.counts.v4; i++) {
  const { org, first, last } = classes.table.rangeV4(i);
  const { asn } = classes.table.organisation(org);
  const current = largestRange.get(asn);
  if (!current || last - first > current.last - current.first) largestRange.set(asn, { first, last });
}

const rows = [...classes.byAsn]
  .filter(([, holder]) => holder.networkClass === 'business' && sourceOf(holder.reason) !== 'curated')
  .map(([asn, holder]) => {
    const s = structure.get(asn);
    const range = largestRange.get(asn);
    // A /24 inside the largest range: where the holder's space is.
    const network = range ? `${dotted((range.first & 0xffffff00) >>> 0)}/24` : undefined;
    const country = network ? intel.locate(network).country : 'ZZ';
    return { asn, name: holder.name, country, ipv4: s?.ipv4Addresses ?? 0, ranges: s?.ipv4Ranges ?? 0, ipv6: s?.ipv6Prefix !== undefined };
  })
  .sort((a, b) => b.ipv4 - a.ipv4 || a.asn - b.asn);

const header = 'asn,name,country,ipv4_addresses,ranges,has_ipv6';
const line = (row: (typeof rows)[number]) => [row.asn, row.name, row.country, row.ipv4, row.ranges, row.ipv6].map(csvField).join(',');
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'worklist.csv'), [header, ...rows.map(line)].join('\n') + '\n');
const chunksArg = process.argv.indexOf('--chunks');
const chunks = chunksArg >= 0 ? Number(process.argv[chunksArg + 1]) : 0;
for (let chunk = 0; chunk < chunks; chunk++) {
  const mine = rows.filter((_, index) => index % chunks === chunk);
  writeFileSync(join(OUT_DIR, `worklist-${String(chunk + 1).padStart(2, '0')}.csv`), [header, ...mine.map(line)].join('\n') + '\n');
}
console.log(`curation worklist: ${rows.length} holders classed business without a curated row${chunks ? `, in ${chunks} chunks` : ''} (${OUT_DIR})`);
