/**
 * Merges the third review (docs/classification.md, "Curation protocol: the third review") into the curated files, by
 * the rule fixed before any row was read and its amendment: where both readings of an AS number give the same label,
 * that label, mapped to a class, replaces the curated row; where they differ, or say `unclear`, the earlier row stands.
 * The rows move to data/classification/reread-NN-asns.csv.
 *
 *   npx tsx scripts/eval/rereading-merge.ts /work/curation/reread /work/curation/reread2
 *   (each reading's chunks in NN/reread-NN-labels.csv)
 *
 * With `--review fourth` it merges the fourth review (docs/classification.md, "Curation protocol: the fourth review"):
 * worklists build/curation/fourth-NN.csv, readings NN/fourth-NN-labels.csv, rows to fourth-NN-asns.csv, and only
 * where both readings say `company` (the name rules already class the rest); `--review fifth` likewise for the fifth.
 *
 * Every chunk must be complete: one row per AS number of its worklist (build/curation/reread-NN.csv), each with a
 * protocol label and confidence; otherwise nothing is written.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASSIFICATION_DIR } from '../build/classification-data';
import { csvField, parseCsvLine, readCsv } from '../build/csv';
import { WORKLIST_DIR } from './worklist';

const ROOT = resolve(process.cwd());
const WORKLISTS = join(ROOT, WORKLIST_DIR);
const CURATED = join(ROOT, CLASSIFICATION_DIR);
const MAX_REASON = 100;

/** What each review reads and merges. */
const REVIEWS = {
  third: { prefix: 'reread', title: 'the third review', onlyCompany: false },
  fourth: { prefix: 'fourth', title: 'the fourth review', onlyCompany: true },
  fifth: { prefix: 'fifth', title: 'the fifth review', onlyCompany: true },
} as const;

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

interface Reading {
  readonly label: string;
  readonly confidence: string;
  readonly reason: string;
}

/** One reader's chunk, checked whole: one row per AS number of the worklist, protocol labels and confidences only. */
function readChunk(file: string, expected: number): Map<number, Reading> {
  if (!existsSync(file)) throw new Error(`${file}: missing`);
  const read = new Map<number, Reading>();
  for (const row of readCsv(file)) {
    const asn = Number(row.asn);
    const label = row.label ?? '';
    const confidence = row.confidence ?? '';
    if (label !== 'unclear' && !CLASS_OF_LABEL[label]) throw new Error(`${file}: AS${asn}: unknown label "${label}"`);
    if (confidence !== 'sure' && confidence !== 'likely') throw new Error(`${file}: AS${asn}: unknown confidence "${confidence}"`);
    if (read.has(asn)) throw new Error(`${file}: AS${asn} twice`);
    read.set(asn, { label, confidence, reason: row.reason ?? '' });
  }
  if (read.size !== expected) throw new Error(`${file}: ${read.size} rows for ${expected} AS numbers`);
  return read;
}

function main(): void {
  const args = process.argv.slice(2);
  const reviewArg = args.indexOf('--review');
  const review = REVIEWS[(reviewArg >= 0 ? args.splice(reviewArg, 2)[1] : 'third') as keyof typeof REVIEWS];
  if (!review) throw new Error(`--review: one of ${Object.keys(REVIEWS).join(', ')}`);
  const { prefix } = review;
  const sources = args;
  if (sources.length !== 2) throw new Error(`Name the two folders that hold the readings (NN/${prefix}-NN-labels.csv)`);
  const chunkFile = new RegExp(`^${prefix}-\\d\\d\\.csv$`);
  const chunks = readdirSync(WORKLISTS).filter((f) => chunkFile.test(f)).sort();
  const replaced = new Set<number>();
  let unclear = 0;
  let disagreed = 0;
  const written: string[] = [];
  for (const worklist of chunks) {
    const nn = worklist.slice(prefix.length + 1, prefix.length + 3);
    const expected = readCsv(join(WORKLISTS, worklist));
    const readings = sources.map((source) => readChunk(join(resolve(source), nn, `${prefix}-${nn}-labels.csv`), expected.length));
    const rows: string[] = [];
    for (const want of expected) {
      const asn = Number(want.asn);
      const [first, second] = readings.map((reading) => reading.get(asn));
      if (!first || !second) throw new Error(`chunk ${nn}: AS${asn} not read twice`);
      if (first.label === 'unclear' || second.label === 'unclear') {
        unclear++;
        continue;
      }
      if (first.label !== second.label || (review.onlyCompany && first.label !== 'company')) {
        disagreed++;
        continue;
      }
      // Both agree; the reason and confidence are the first reading's (sure only when both were sure).
      const confidence = first.confidence === 'sure' && second.confidence === 'sure' ? 'sure' : 'likely';
      const { networkClass } = CLASS_OF_LABEL[first.label]!;
      rows.push([asn, networkClass, want.name ?? '', reasonFor(first.label, first.reason), confidence].map(csvField).join(','));
      replaced.add(asn);
    }
    const header = [
      `# Curated AS numbers: ${review.title} (chunk ${nn} of ${chunks.length}), read again under the labelling protocol`,
      `# (docs/classification.md, "Curation protocol: ${review.title}"); these rows replace the earlier ones. Columns: asn,`,
      '# class, organisation (the registered name), reason, confidence (sure | likely).',
      'asn,class,organisation,reason,confidence',
    ];
    written.push(`${prefix}-${nn}-asns.csv`);
    writeFileSync(join(CURATED, `${prefix}-${nn}-asns.csv`), [...header, ...rows].join('\n') + '\n');
  }
  let removed = 0;
  for (const file of readdirSync(CURATED).filter((f) => f.endsWith('-asns.csv') && !written.includes(f))) {
    const lines = readFileSync(join(CURATED, file), 'utf8').split('\n');
    const kept = lines.filter((line) => line.startsWith('#') || line.startsWith('asn,') || line === '' || !replaced.has(Number(parseCsvLine(line)[0])));
    removed += lines.length - kept.length;
    if (kept.length !== lines.length) writeFileSync(join(CURATED, file), kept.join('\n'));
  }
  console.log(`${review.title} merged: ${replaced.size} rows replaced (${removed} earlier rows moved); kept as they were: ${disagreed} where the readings differ, ${unclear} unclear in either; in ${written.length} files`);
}

main();
