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
 * `--review seventh` and `--review eighth` take three folders: each listed holder is read three times, and two of
 * three decide.
 *
 * With `--third-reading DIR` it also reads the sixth review's third readings (DIR/NN/sixth-NN-labels.csv, worklists
 * build/curation/sixth-NN.csv, made by third-reading-worklist.ts): where the two readings leave a holder undecided, the
 * label two of the three give decides (readings.ts `decidedLabel`); the rows stay in the review's own files.
 *
 * Every chunk must be complete: one row per AS number of its worklist (build/curation/reread-NN.csv), each with a
 * protocol label and confidence; otherwise nothing is written.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASSIFICATION_DIR } from '../build/classification-data';
import { csvField, parseCsvLine } from '../build/csv';
import { CLASS_OF_LABEL, decidedLabel, undecidedByTwo, readReview, REVIEWS, THIRD_READING_PREFIX, type Reading, type ReviewName } from './readings';
import { WORKLIST_DIR } from './worklist';

const ROOT = resolve(process.cwd());
const WORKLISTS = join(ROOT, WORKLIST_DIR);
const CURATED = join(ROOT, CLASSIFICATION_DIR);
const MAX_REASON = 100;

function reasonFor(label: string, reason: string): string {
  const { kind } = CLASS_OF_LABEL[label]!;
  // A person's reason never names the person; the class keeps them out of every lead anyway.
  if (label === 'person') return 'person: a natural person or sole trader (third review)';
  const text = reason.replace(/\s+/g, ' ').trim();
  return `${kind}: ${text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text}`;
}

/** Every third reading of the sixth review, by AS number (each chunk checked whole against its worklist). */
function thirdReadings(folder: string): Map<number, Reading> {
  const all = new Map<number, Reading>();
  for (const { readings } of readReview(WORKLISTS, THIRD_READING_PREFIX, [folder])) for (const [asn, reading] of readings[0]!) all.set(asn, reading);
  return all;
}

function takeOption(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const review = REVIEWS[(takeOption(args, '--review') ?? 'third') as ReviewName];
  if (!review) throw new Error(`--review: one of ${Object.keys(REVIEWS).join(', ')}`);
  const thirdFolder = takeOption(args, '--third-reading');
  const third = thirdFolder ? thirdReadings(thirdFolder) : undefined;
  const { prefix } = review;
  // The seventh and eighth reviews read every listed holder three times from the start; the others twice.
  if (args.length !== 2 && args.length !== 3) throw new Error(`Name the two or three folders that hold the readings (NN/${prefix}-NN-labels.csv)`);
  const replaced = new Set<number>();
  let undecided = 0;
  let byThird = 0;
  const outputs: Array<{ file: string; text: string }> = [];
  for (const { nn, chunks, worklist, readings } of readReview(WORKLISTS, prefix, args)) {
    const rows: string[] = [];
    for (const want of worklist) {
      const asn = Number(want.asn);
      const all = readings.map((reading) => reading.get(asn)!);
      const [first, second] = all as [Reading, Reading];
      if (third && all.length === 2 && undecidedByTwo(review, first, second)) {
        const reading = third.get(asn);
        if (!reading) throw new Error(`chunk ${nn}: AS${asn} needs a third reading and has none`);
        all.push(reading);
      }
      const label = decidedLabel(review, all);
      if (!label) {
        undecided++;
        continue;
      }
      if (all.length === 3 && readings.length === 2) byThird++;
      // The reason is the first agreeing reading's; sure only when every agreeing reading was sure.
      const agreeing = all.filter((reading) => reading.label === label);
      const confidence = agreeing.every((reading) => reading.confidence === 'sure') ? 'sure' : 'likely';
      const { networkClass } = CLASS_OF_LABEL[label]!;
      rows.push([asn, networkClass, want.name ?? '', reasonFor(label, agreeing[0]!.reason), confidence].map(csvField).join(','));
      replaced.add(asn);
    }
    const header = [
      `# Curated AS numbers: ${review.title} (chunk ${nn} of ${chunks}), read again under the labelling protocol`,
      `# (docs/classification.md, "Curation protocol: ${review.title}"); these rows replace the earlier ones. Columns: asn,`,
      '# class, organisation (the registered name), reason, confidence (sure | likely).',
      'asn,class,organisation,reason,confidence',
    ];
    outputs.push({ file: `${prefix}-${nn}-asns.csv`, text: [...header, ...rows].join('\n') + '\n' });
  }
  // Written only once every chunk has been decided, so a missing reading leaves the curated files as they were.
  for (const { file, text } of outputs) writeFileSync(join(CURATED, file), text);
  const written = outputs.map(({ file }) => file);
  let removed = 0;
  for (const file of readdirSync(CURATED).filter((f) => f.endsWith('-asns.csv') && !written.includes(f))) {
    const lines = readFileSync(join(CURATED, file), 'utf8').split('\n');
    const kept = lines.filter((line) => line.startsWith('#') || line.startsWith('asn,') || line === '' || !replaced.has(Number(parseCsvLine(line)[0])));
    removed += lines.length - kept.length;
    if (kept.length !== lines.length) writeFileSync(join(CURATED, file), kept.join('\n'));
  }
  const thirdNote = third ? ` (${byThird} of them decided by a third reading)` : '';
  console.log(`${review.title} merged: ${replaced.size} rows replaced${thirdNote} (${removed} earlier rows moved); kept as they were: ${undecided} the readings leave undecided; in ${written.length} files`);
}

main();
