/**
 * What the curation reviews' worklist scripts share: the curators' own files, the organisations AS numbers belong to,
 * and the chunked worklists readers get (build/curation/PREFIX-NN.csv, the curator's view plus the organisation key;
 * one organisation's AS numbers always in one chunk, organisations dealt round-robin).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { organisationKey } from '../../functions/domain/ip-intel/names';
import { CLASSIFICATION_DIR } from '../build/classification-data';
import { csvField, readCsv } from '../build/csv';
import { CURATOR_HEADER, curatorLine, type CuratorRow } from './curator-view';
import type { ArtefactClasses } from './holders';

export const WORKLIST_DIR = join('build', 'curation');

/** The curators' files; curated-asns.csv (the 0.1 lists, with deliberate splits of mixed organisations) is not read again. */
const CURATORS_FILES = /^(top-holders|tail-\d\d|review-\d\d)-asns\.csv$/;

/** The rows the curators wrote (first pass and second review), by AS number. */
export function curatorsRows(root: string): Map<number, { readonly networkClass: string; readonly reason: string }> {
  const rows = new Map<number, { networkClass: string; reason: string }>();
  for (const file of readdirSync(join(root, CLASSIFICATION_DIR)).filter((f) => CURATORS_FILES.test(f))) {
    for (const row of readCsv(join(root, CLASSIFICATION_DIR, file))) rows.set(Number(row.asn), { networkClass: row.class ?? '', reason: row.reason ?? '' });
  }
  return rows;
}

export interface Organisations {
  /** The organisation key of an AS number (names.ts `organisationKey`), or `AS<n>` when its name gives none. */
  keyOf(asn: number): string;
  /** Every AS number of the organisations of `asns`, one group per organisation, ordered by each group's first AS number. */
  groupsOf(asns: Iterable<number>): number[][];
}

export function organisations(classes: ArtefactClasses): Organisations {
  const keys = new Map([...classes.byAsn].map(([asn, h]) => [asn, organisationKey(h.name) || `AS${asn}`]));
  const members = new Map<string, number[]>();
  for (const [asn, key] of keys) {
    const list = members.get(key);
    if (list) list.push(asn);
    else members.set(key, [asn]);
  }
  const keyOf = (asn: number): string => keys.get(asn)!;
  return {
    keyOf,
    groupsOf: (asns) => [...new Set([...asns].map(keyOf))].map((key) => members.get(key)!).sort((a, b) => a[0]! - b[0]!),
  };
}

/** Writes the groups in about `rowsPerChunk` rows a chunk; returns how many AS numbers and chunks. */
export function writeWorklists(
  root: string,
  prefix: string,
  groups: ReadonlyArray<readonly number[]>,
  rowsPerChunk: number,
  { keyOf, views }: { keyOf: (asn: number) => string; views: ReadonlyMap<number, CuratorRow> },
): { total: number; chunks: number } {
  const lines = groups.map((asns) => asns.map((asn) => `${curatorLine(views.get(asn)!)},${csvField(keyOf(asn))}`));
  return writeChunks(root, prefix, lines, rowsPerChunk);
}

/** Writes groups of worklist lines (the curator's view plus the organisation key), dealt round-robin into chunks. */
export function writeChunks(root: string, prefix: string, groups: ReadonlyArray<readonly string[]>, rowsPerChunk: number): { total: number; chunks: number } {
  const total = groups.reduce((sum, lines) => sum + lines.length, 0);
  const chunks = Math.ceil(total / rowsPerChunk);
  const dir = join(root, WORKLIST_DIR);
  mkdirSync(dir, { recursive: true });
  for (let chunk = 0; chunk < chunks; chunk++) {
    const lines = groups.filter((_, index) => index % chunks === chunk).flat();
    writeFileSync(join(dir, `${prefix}-${String(chunk + 1).padStart(2, '0')}.csv`), [`${CURATOR_HEADER},organisation_key`, ...lines].join('\n') + '\n');
  }
  return { total, chunks };
}
