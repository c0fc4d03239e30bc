/**
 * Merges the third review (docs/classification.md, "Curation protocol: the third review") into the curated files, by
 * the rule fixed before any row was read: a read row replaces the curated row of its AS number, its label mapped to a
 * class; `unclear` keeps the earlier row. The rows move to data/classification/reread-NN-asns.csv.
 *
 *   npx tsx scripts/eval/rereading-merge.ts /work/curation/reread      (each chunk in NN/reread-NN-labels.csv)
 *
 * Every chunk must be complete: one row per AS number of its worklist (build/curation/reread-NN.csv), each with a
 * protocol label and confidence; otherwise nothing is written.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASSIFICATION_DIR } from '../build/classification-data';
import { csvField, parseCsvLine, readCsv } from '../build/csv';

const ROOT = resolve(process.cwd());
const WORKLISTS = join(ROOT, 'build', 'curation');
const CURATED = join(ROOT, CLASSIFICATION_DIR);
const MAX_REASON = 100;

/** Protocol label -> the class the build stores and the kind its reason starts with. */
const CLASS_OF_LABEL: Record<string, { networkClass: string; kind: string }> = {
  company: { networkClass: 'business', kind: 'company' },
  isp: { networkClass: 'isp', kind: 'carrier' },
  infrastructure: { networkClass: 'hosting', kind: 'hosting' },
  education: { networkClass: 'education', kind: 'research or education' },
  government: { networkClass: 'government', kind: 'public body' },
  person: { networkClass: 'unknown', kind: 'person' },
  placeholder: { networkClass: 'unknown', kind: 'no organisation' },
};

function reasonFor(label: string, reason: string): string {
  const { kind } = CLASS_OF_LABEL[label]!;
  // A person's reason never names the person; the class keeps them out of every lead anyway.
  if (label === 'person') return 'person: a natural person or sole trader (third review)';
  const text = reason.replace(/\s+/g, ' ').trim();
  return `${kind}: ${text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text}`;
}

function main(): void {
  const source = process.argv[2];
  if (!source) throw new Error('Name the folder that holds the chunks (NN/reread-NN-labels.csv)');
  const chunks = readdirSync(WORKLISTS).filter((f) => /^reread-\d\d\.csv$/.test(f)).sort();
  const replaced = new Map<number, string>();
  let unclear = 0;
  const written: string[] = [];
  for (const worklist of chunks) {
    const nn = worklist.slice(7, 9);
    const expected = readCsv(join(WORKLISTS, worklist));
    const file = join(resolve(source), nn, `reread-${nn}-labels.csv`);
    if (!existsSync(file)) throw new Error(`${file}: missing`);
    const read = new Map(readCsv(file).map((row) => [Number(row.asn), row]));
    const rows: string[] = [];
    for (const want of expected) {
      const asn = Number(want.asn);
      const row = read.get(asn);
      if (!row) throw new Error(`${file}: AS${asn} not read`);
      const confidence = row.confidence ?? '';
      if (row.label !== 'unclear' && !CLASS_OF_LABEL[row.label ?? '']) throw new Error(`${file}: AS${asn}: unknown label "${row.label}"`);
      if (confidence !== 'sure' && confidence !== 'likely') throw new Error(`${file}: AS${asn}: unknown confidence "${confidence}"`);
      if (row.label === 'unclear') {
        unclear++;
        continue;
      }
      const { networkClass } = CLASS_OF_LABEL[row.label!]!;
      rows.push([asn, networkClass, want.name ?? '', reasonFor(row.label!, row.reason ?? ''), confidence].map(csvField).join(','));
      replaced.set(asn, `reread-${nn}-asns.csv`);
    }
    if (read.size !== expected.length) throw new Error(`${file}: ${read.size} rows for ${expected.length} AS numbers`);
    const header = [
      `# Curated AS numbers: the third review (chunk ${nn} of ${chunks.length}), read again under the labelling protocol`,
      '# (docs/classification.md, "Curation protocol: the third review"); these rows replace the earlier ones. Columns: asn,',
      '# class, organisation (the registered name), reason, confidence (sure | likely).',
      'asn,class,organisation,reason,confidence',
    ];
    written.push(`reread-${nn}-asns.csv`);
    writeFileSync(join(CURATED, `reread-${nn}-asns.csv`), [...header, ...rows].join('\n') + '\n');
  }
  let removed = 0;
  for (const file of readdirSync(CURATED).filter((f) => f.endsWith('-asns.csv') && !written.includes(f))) {
    const lines = readFileSync(join(CURATED, file), 'utf8').split('\n');
    const kept = lines.filter((line) => line.startsWith('#') || line.startsWith('asn,') || line === '' || !replaced.has(Number(parseCsvLine(line)[0])));
    removed += lines.length - kept.length;
    if (kept.length !== lines.length) writeFileSync(join(CURATED, file), kept.join('\n'));
  }
  console.log(`third review merged: ${replaced.size} rows replaced (${removed} earlier rows moved), ${unclear} unclear kept as they were, in ${written.length} files`);
}

main();
