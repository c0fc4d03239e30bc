/**
 * The curation reviews' readings (docs/classification.md, "Curation protocol: the third review" and later): which
 * reviews there are, the protocol labels they give, one reader's chunk checked whole, and the majority rule that
 * decides a holder from two or three readings. Shared by the merge and the third reading's worklist.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCsv } from '../build/csv';

/** What each review reads and merges; `onlyCompany`: the name rules already class the rest. */
export const REVIEWS = {
  third: { prefix: 'reread', title: 'the third review', onlyCompany: false },
  fourth: { prefix: 'fourth', title: 'the fourth review', onlyCompany: true },
  fifth: { prefix: 'fifth', title: 'the fifth review', onlyCompany: true },
  seventh: { prefix: 'seventh', title: 'the seventh review', onlyCompany: true },
  eighth: { prefix: 'eighth', title: 'the eighth review', onlyCompany: true },
} as const;

export type ReviewName = keyof typeof REVIEWS;
export type Review = (typeof REVIEWS)[ReviewName];

/** The third reading's chunks (the sixth review). */
export const THIRD_READING_PREFIX = 'sixth';

/** Protocol label -> the class the build stores and the kind its reason starts with. */
export const CLASS_OF_LABEL: Record<string, { networkClass: string; kind: string }> = {
  company: { networkClass: 'business', kind: 'company' },
  isp: { networkClass: 'isp', kind: 'carrier' },
  infrastructure: { networkClass: 'hosting', kind: 'hosting' },
  education: { networkClass: 'education', kind: 'research or education' },
  government: { networkClass: 'government', kind: 'public body' },
  person: { networkClass: 'unknown', kind: 'person' },
  placeholder: { networkClass: 'unknown', kind: 'no organisation' },
};

export interface Reading {
  readonly label: string;
  readonly confidence: string;
  readonly reason: string;
}

/** One reader's chunk, checked whole: one row per AS number of the worklist, protocol labels and confidences only. */
export function readChunk(file: string, expected: readonly number[]): Map<number, Reading> {
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
  const missing = expected.filter((asn) => !read.has(asn));
  if (read.size !== expected.length || missing.length > 0) throw new Error(`${file}: ${read.size} rows for ${expected.length} AS numbers${missing.length ? ` (AS${missing[0]} missing)` : ''}`);
  return read;
}

/** A worklist chunk of a review and the readings of it, one per folder (NN/PREFIX-NN-labels.csv in each). */
export interface ReadChunk {
  readonly nn: string;
  readonly chunks: number;
  readonly worklist: ReadonlyArray<Record<string, string>>;
  readonly readings: ReadonlyArray<ReadonlyMap<number, Reading>>;
}

/** Every chunk of the worklists `worklistDir/PREFIX-NN.csv`, each with its readings from `folders`. */
export function readReview(worklistDir: string, prefix: string, folders: readonly string[]): ReadChunk[] {
  const chunkFile = new RegExp(`^${prefix}-\\d\\d\\.csv$`);
  const files = readdirSync(worklistDir).filter((f) => chunkFile.test(f)).sort();
  return files.map((file) => {
    const nn = file.slice(prefix.length + 1, prefix.length + 3);
    const worklist = readCsv(join(worklistDir, file));
    const asns = worklist.map((row) => Number(row.asn));
    const readings = folders.map((folder) => readChunk(join(resolve(folder), nn, `${prefix}-${nn}-labels.csv`), asns));
    return { nn, chunks: files.length, worklist, readings };
  });
}

/**
 * Whether two readings leave a holder undecided under a review's merge rule, so that a third reading can decide it:
 * in a review that merges every label, the labels differ and at least one is not `unclear`; in one that merges only
 * `company`, exactly one says `company`.
 */
export function undecidedByTwo(review: Review, first: Reading, second: Reading): boolean {
  if (review.onlyCompany) return (first.label === 'company') !== (second.label === 'company');
  return first.label !== second.label && (first.label !== 'unclear' || second.label !== 'unclear');
}

/**
 * The label that decides a holder, or undefined when its row stands: the label at least two readings give (`unclear`
 * never counts); in a review that merges only `company`, only `company`.
 */
export function decidedLabel(review: Review, readings: readonly Reading[]): string | undefined {
  const votes = new Map<string, number>();
  for (const { label } of readings) if (label !== 'unclear') votes.set(label, (votes.get(label) ?? 0) + 1);
  const [label] = [...votes].find(([, count]) => count >= 2) ?? [];
  return label === undefined || (review.onlyCompany && label !== 'company') ? undefined : label;
}
