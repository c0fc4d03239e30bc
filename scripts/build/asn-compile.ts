/**
 * Compiles the IP-to-organisation CSVs of @ip-location-db/asn and the classes of their holders into the bytes of
 * asn.bin (layout in functions/domain/ip-intel/format.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMAT_VERSION, HEADER_BYTES, MAGIC, sectionOffsets } from '../../functions/domain/ip-intel/format';
import { NETWORK_CLASSES } from '../../functions/domain/ip-intel/types';
import { classifyHolders, type HolderRanges } from './holder-classes';
import type { ClassificationRules } from '../../functions/domain/ip-intel/classify';
import { Progress, countLines } from './progress';

interface Row {
  first: bigint;
  last: bigint;
  asn: number;
  name: string;
}

/** Parses `first,last,asn,name` where name may be quoted ("" escapes a quote) and contain commas. */
function* readRows(file: string, progress?: Progress): Generator<Row> {
  const text = readFileSync(file, 'utf8');
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if ((lineNo & 0x3fff) === 0) progress?.advance(0x4000);
    if (line === '') continue;
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    if (c1 < 0 || c2 < 0 || c3 < 0) throw new Error(`${file}:${lineNo}: expected 4 columns`);
    let name = line.slice(c3 + 1).replace(/\r$/, '');
    if (name.startsWith('"')) {
      if (!name.endsWith('"') || name.length < 2) throw new Error(`${file}:${lineNo}: unterminated quoted name`);
      name = name.slice(1, -1).replaceAll('""', '"');
    }
    const asn = Number(line.slice(c2 + 1, c3));
    if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) throw new Error(`${file}:${lineNo}: bad ASN`);
    yield { first: BigInt(line.slice(0, c1)), last: BigInt(line.slice(c1 + 1, c2)), asn, name: name.trim() };
  }
}

/** Organisations (AS number and name) in order of first appearance; `relay` entries are appended by overlayV4. */
class OrgTable {
  private readonly index = new Map<string, number>();
  readonly asns: number[] = [];
  readonly names: string[] = [];
  /** For an organisation made by overlayV4: the holder it stands in for. */
  readonly relayOf = new Map<number, number>();

  indexOf(asn: number, name: string): number {
    const key = `${asn}\u0000${name}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.asns.length;
      this.index.set(key, i);
      this.asns.push(asn);
      this.names.push(name);
    }
    return i;
  }

  /** A second entry for the same holder, carrying the class of the relay ranges inside its space. */
  relayEntry(org: number): number {
    const i = this.indexOf(this.asns[org] ?? 0, `${this.names[org] ?? ''}\u0000relay`);
    this.names[i] = this.names[org] ?? '';
    this.relayOf.set(i, org);
    return i;
  }
}

export interface Compiled {
  bytes: Buffer;
  v4Count: number;
  v6Count: number;
  orgCount: number;
  v4Clipped: number;
  v6Dropped: number;
  relayRanges: number;
  /** Organisations by the trust level that decided their class, for the build log. */
  decidedBy: Record<string, number>;
}

const LOW64 = (1n << 64n) - 1n;

interface V4Table {
  start: number[];
  end: number[];
  org: number[];
}

/**
 * Cuts the `overlay` ranges (sorted, disjoint) out of the holders' ranges and gives each cut piece to the holder's
 * relay entry: the holder stays the same, only the class of those addresses changes.
 */
function overlayV4(table: V4Table, overlay: ReadonlyArray<readonly [number, number]>, orgs: OrgTable): { table: V4Table; pieces: number } {
  const out: V4Table = { start: [], end: [], org: [] };
  const push = (s: number, e: number, o: number): void => {
    out.start.push(s);
    out.end.push(e);
    out.org.push(o);
  };
  let k = 0;
  let pieces = 0;
  for (let i = 0; i < table.start.length; i++) {
    let s = table.start[i]!;
    const e = table.end[i]!;
    const o = table.org[i]!;
    while (k < overlay.length && overlay[k]![1] < s) k++;
    for (let j = k; j < overlay.length && overlay[j]![0] <= e && s <= e; j++) {
      const [first, last] = overlay[j]!;
      if (first > s) push(s, first - 1, o);
      const cutEnd = Math.min(last, e);
      push(Math.max(first, s), cutEnd, orgs.relayEntry(o));
      pieces++;
      s = cutEnd + 1;
    }
    if (s <= e) push(s, e, o);
  }
  return { table: out, pieces };
}

export function compile(
  asnDir: string,
  rules: ClassificationRules,
  relayV4: ReadonlyArray<readonly [number, number]>,
  showProgress = false,
): Compiled {
  const v4File = join(asnDir, 'asn-ipv4-num.csv');
  const v6File = join(asnDir, 'asn-ipv6-num.csv');
  const progress = showProgress ? new Progress(countLines(v4File) + countLines(v6File)) : undefined;
  const orgs = new OrgTable();

  let v4: V4Table = { start: [], end: [], org: [] };
  let v4Clipped = 0;
  for (const row of readRows(v4File, progress)) {
    const first = Number(row.first);
    const last = Number(row.last);
    if (last < first || last > 0xffffffff) throw new Error(`bad IPv4 range for AS${row.asn}`);
    const prev = v4.start.length - 1;
    if (prev >= 0 && first <= (v4.end[prev] ?? -1)) {
      if (first < (v4.start[prev] ?? 0)) throw new Error('asn-ipv4-num.csv is not sorted');
      // The lookup's binary search needs disjoint ranges; the later (more specific) row wins the overlap.
      v4.end[prev] = first - 1;
      v4Clipped++;
      if (first === v4.start[prev]) {
        v4.start.pop();
        v4.end.pop();
        v4.org.pop();
      }
    }
    v4.start.push(first);
    v4.end.push(last);
    v4.org.push(orgs.indexOf(row.asn, row.name));
  }

  const v6Start: bigint[] = [];
  const v6End: bigint[] = [];
  const v6Org: number[] = [];
  let v6Dropped = 0;
  for (const row of readRows(v6File, progress)) {
    // Rounded inwards to whole /64s, so the stored upper 64 bits are exact. Lookups are /48s; a range smaller
    // than a /64 cannot answer for one.
    const start = (row.first + LOW64) >> 64n;
    const end = ((row.last + 1n) >> 64n) - 1n;
    if (end < start) {
      v6Dropped++;
      continue;
    }
    const prev = v6End.length - 1;
    if (prev >= 0 && start <= (v6End[prev] ?? -1n)) {
      throw new Error('asn-ipv6-num.csv has overlapping or unsorted ranges; teach the compiler to clip them');
    }
    v6Start.push(start);
    v6End.push(end);
    v6Org.push(orgs.indexOf(row.asn, row.name));
  }

  // Holder structure from the ranges as announced, before the relay ranges are cut out of them.
  const holders: HolderRanges = { asns: orgs.asns, names: orgs.names, v4, v6: { start: v6Start, end: v6End, org: v6Org } };
  const orgCountBeforeRelay = orgs.asns.length;
  const overlaid = overlayV4(v4, relayV4, orgs);
  v4 = overlaid.table;
  const classes = classifyHolders(holders, orgCountBeforeRelay, orgs.relayOf, rules);
  progress?.finish(`${v4.start.length + v6Start.length} ranges of ${orgs.asns.length} organisations`);

  const encodedNames = orgs.names.map((n) => Buffer.from(n, 'utf8'));
  const encodedReasons = classes.reasons.map((r) => Buffer.from(r, 'utf8'));
  const total = (list: Buffer[]): number => list.reduce((sum, b) => sum + b.length, 0);
  const counts = {
    v4Count: v4.start.length,
    v6Count: v6Start.length,
    orgCount: orgs.asns.length,
    nameBytes: total(encodedNames),
    reasonCount: encodedReasons.length,
    reasonBytes: total(encodedReasons),
  };
  const at = sectionOffsets(counts);
  const bytes = Buffer.alloc(at.total);

  bytes.write(MAGIC, 0, 'latin1');
  const header = new Uint32Array(bytes.buffer, bytes.byteOffset + MAGIC.length, (HEADER_BYTES - MAGIC.length) / 4);
  header.set([FORMAT_VERSION, counts.v4Count, counts.v6Count, counts.orgCount, counts.nameBytes, counts.reasonCount, counts.reasonBytes]);

  const u32 = (offset: number, values: ArrayLike<number>): void =>
    new Uint32Array(bytes.buffer, bytes.byteOffset + offset, values.length).set(values);
  const u64 = (offset: number, values: bigint[]): void =>
    new BigUint64Array(bytes.buffer, bytes.byteOffset + offset, values.length).set(values);
  u32(at.v4Start, v4.start);
  u32(at.v4End, v4.end);
  u32(at.v4Org, v4.org);
  u64(at.v6Start, v6Start);
  u64(at.v6End, v6End);
  u32(at.v6Org, v6Org);
  u32(at.orgAsn, orgs.asns);
  u32(at.orgName, writeBlock(bytes, at.names, encodedNames));
  new Uint8Array(bytes.buffer, bytes.byteOffset + at.orgClass, counts.orgCount).set(
    classes.classes.map((c) => NETWORK_CLASSES.indexOf(c)),
  );
  if (counts.reasonCount > 0xffff) throw new Error(`${counts.reasonCount} distinct reasons; the format stores their index in 16 bits`);
  new Uint16Array(bytes.buffer, bytes.byteOffset + at.orgReason, counts.orgCount).set(classes.reasonIndex);
  u32(at.reasonText, writeBlock(bytes, at.reasons, encodedReasons));

  return {
    bytes,
    v4Count: counts.v4Count,
    v6Count: counts.v6Count,
    orgCount: counts.orgCount,
    v4Clipped,
    v6Dropped,
    relayRanges: overlaid.pieces,
    decidedBy: classes.decidedBy,
  };
}

/** Copies the strings one after another from `offset`; returns their byte offsets (one more than strings). */
function writeBlock(bytes: Buffer, offset: number, encoded: Buffer[]): number[] {
  const offsets: number[] = [0];
  let cursor = 0;
  for (const e of encoded) {
    e.copy(bytes, offset + cursor);
    cursor += e.length;
    offsets.push(cursor);
  }
  return offsets;
}
