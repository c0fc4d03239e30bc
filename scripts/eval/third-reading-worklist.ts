/**
 * The holders the sixth review reads a third time (docs/classification.md, "Curation protocol: the sixth review"):
 * those whose two readings in the third, fourth or fifth review leave them undecided under that review's merge rule
 * (readings.ts `undecidedByTwo`). The AS numbers of one organisation go together, in one chunk. Writes
 * build/curation/sixth-NN.csv, the same columns as the reviews' worklists; the readers' instructions are
 * data/classification/rereading-instructions.md with the file names changed.
 *
 *   npx tsx scripts/eval/third-reading-worklist.ts third=/work/curation/reread,/work/curation/reread2 \
 *     fourth=/work/curation/fourth,/work/curation/fourth2 fifth=/work/curation/fifth,/work/curation/fifth2
 *   (the reviews' worklists in build/curation, as their merges read them)
 */
import { resolve } from 'node:path';
import { csvField } from '../build/csv';
import { undecidedByTwo, readReview, REVIEWS, THIRD_READING_PREFIX, type Reading, type ReviewName } from './readings';
import { WORKLIST_DIR, writeChunks } from './worklist';

const ROOT = resolve(process.cwd());
const CHUNK_ROWS = 150;
const COLUMNS = ['asn', 'name', 'country', 'ipv4_addresses', 'ranges', 'has_ipv6', 'organisation_key'] as const;

const byOrganisation = new Map<string, string[]>();
// A holder both the third and the fifth review left undecided is read once; the reading serves both merges.
const listed = new Set<number>();
const counts: string[] = [];
for (const arg of process.argv.slice(2)) {
  const [name, folders] = arg.split('=');
  const review = REVIEWS[name as ReviewName];
  if (!review || !folders || folders.split(',').length !== 2) throw new Error(`${arg}: REVIEW=DIR1,DIR2 with REVIEW one of ${Object.keys(REVIEWS).join(', ')}`);
  let selected = 0;
  for (const { worklist, readings } of readReview(resolve(ROOT, WORKLIST_DIR), review.prefix, folders.split(','))) {
    for (const row of worklist) {
      const [first, second] = readings.map((reading) => reading.get(Number(row.asn))!) as [Reading, Reading];
      if (!undecidedByTwo(review, first, second)) continue;
      selected++;
      if (listed.has(Number(row.asn))) continue;
      listed.add(Number(row.asn));
      const key = row.organisation_key ?? `AS${row.asn}`;
      const line = COLUMNS.map((column) => csvField(row[column] ?? '')).join(',');
      byOrganisation.set(key, [...(byOrganisation.get(key) ?? []), line]);
    }
  }
  counts.push(`${review.title} ${selected}`);
}
const { total, chunks } = writeChunks(ROOT, THIRD_READING_PREFIX, [...byOrganisation.values()], CHUNK_ROWS);
console.log(`sixth review: ${total} AS numbers to read a third time (${counts.join(', ')}), ${byOrganisation.size} organisations, in ${chunks} chunks of about ${CHUNK_ROWS} (${WORKLIST_DIR})`);
