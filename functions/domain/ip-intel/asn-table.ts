import { ASN_FILE, FORMAT_VERSION, HEADER_BYTES, MAGIC, sectionOffsets } from './format';
import { highWords, pickWinner, rangeSize, takeWinner, upperBound, type Overlap, type RangeHit } from './range-search';
import { NETWORK_CLASSES, type NetworkClass } from './types';
import { NO_RANGE, SPLIT, V4Spans, offsetsByTop16 } from './v4-spans';

/**
 * `coveringV4`/`coveringV6`/`spanV4` return an index, or NO_RANGE when no range overlaps the query, or SPLIT when
 * ranges overlap it but none holds all of it (then ask `lookupV4Split`/`lookupV6`).
 */
export { NO_RANGE, SPLIT };
export type { RangeHit };

/** Ranges smaller than the query are rare (a /24 split into /25s); this bounds the work a huge query can cause. */
const MAX_RANGES_PER_QUERY = 4096;

export class ArtefactError extends Error {
  constructor(detail: string) {
    super(`IP data artefact ${detail}; run \`npm run build:ipdata\` to (re)build it`);
    this.name = 'ArtefactError';
  }
}

/**
 * Typed-array views over asn.bin (layout in format.ts). Nothing is parsed at load time; organisation names are
 * decoded from the name block only when a lookup returns them.
 */
export class AsnTable {
  private readonly v4Start: Uint32Array;
  private readonly v4End: Uint32Array;
  private readonly v4Org: Uint32Array;
  private readonly v6Start: BigUint64Array;
  private readonly v6End: BigUint64Array;
  private readonly v6Org: Uint32Array;
  private readonly orgAsn: Uint32Array;
  private readonly orgName: Uint32Array;
  private readonly names: Buffer;
  private readonly orgClass: Uint8Array;
  private readonly orgReason: Uint16Array;
  private readonly reasonText: Uint32Array;
  private readonly reasons: Buffer;
  /** IPv6 bounds as little-endian u32 pairs (element 2i is the low word of range i, 2i+1 the high word). */
  private readonly v6StartWords: Uint32Array;
  private readonly v6EndWords: Uint32Array;
  /** Built on the first fast lookup of each family (a few milliseconds), not at load. */
  private v4Buckets: Uint32Array | undefined;
  private v4Spans: V4Spans | undefined;
  private v6StartHi: Uint32Array | undefined;
  private v6Buckets: Uint32Array | undefined;
  private orgShare: Float64Array | undefined;
  private orgBest: Int32Array | undefined;
  private touched: Uint32Array | undefined;

  constructor(file: Buffer) {
    // Typed arrays use the platform's byte order; the artefact is written little-endian (x86 and Graviton both are).
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new ArtefactError('needs a little-endian CPU');
    if (file.length < HEADER_BYTES || file.toString('latin1', 0, MAGIC.length) !== MAGIC) {
      throw new ArtefactError(`${ASN_FILE} is not an Eirlead IP data file`);
    }
    // BigUint64Array views need 8-byte alignment; a Buffer from readFileSync of a large file normally starts at 0.
    const bytes = file.byteOffset % 8 === 0 ? file : Buffer.from(file);
    const version = new Uint32Array(bytes.buffer, bytes.byteOffset + MAGIC.length, 1)[0];
    if (version !== FORMAT_VERSION) {
      throw new ArtefactError(`${ASN_FILE} has format version ${version}, this code reads ${FORMAT_VERSION}`);
    }
    const [, v4Count = 0, v6Count = 0, orgCount = 0, nameBytes = 0, reasonCount = 0, reasonBytes = 0] = new Uint32Array(
      bytes.buffer,
      bytes.byteOffset + MAGIC.length,
      7,
    );
    const at = sectionOffsets({ v4Count, v6Count, orgCount, nameBytes, reasonCount, reasonBytes });
    if (at.total !== bytes.length) throw new ArtefactError(`${ASN_FILE} is truncated or corrupt`);
    const u32 = (offset: number, n: number): Uint32Array => new Uint32Array(bytes.buffer, bytes.byteOffset + offset, n);
    const u64 = (offset: number, n: number): BigUint64Array =>
      new BigUint64Array(bytes.buffer, bytes.byteOffset + offset, n);
    this.v4Start = u32(at.v4Start, v4Count);
    this.v4End = u32(at.v4End, v4Count);
    this.v4Org = u32(at.v4Org, v4Count);
    this.v6Start = u64(at.v6Start, v6Count);
    this.v6End = u64(at.v6End, v6Count);
    this.v6Org = u32(at.v6Org, v6Count);
    this.orgAsn = u32(at.orgAsn, orgCount);
    this.orgName = u32(at.orgName, orgCount + 1);
    this.names = bytes.subarray(at.names, at.names + nameBytes);
    this.orgClass = new Uint8Array(bytes.buffer, bytes.byteOffset + at.orgClass, orgCount);
    this.orgReason = new Uint16Array(bytes.buffer, bytes.byteOffset + at.orgReason, orgCount);
    this.reasonText = u32(at.reasonText, reasonCount + 1);
    this.reasons = bytes.subarray(at.reasons, at.reasons + reasonBytes);
    this.v6StartWords = u32(at.v6Start, v6Count * 2);
    this.v6EndWords = u32(at.v6End, v6Count * 2);
  }

  /** ASN, name, inclusive bounds (IPv6: upper 64 bits) and organisation of range `i`, for building a match. */
  rangeV4(i: number): { org: number; first: number; last: number } {
    return { org: this.v4Org[i] ?? 0, first: this.v4Start[i] ?? 0, last: this.v4End[i] ?? 0 };
  }

  rangeV6(i: number): { org: number; first: bigint; last: bigint } {
    return { org: this.v6Org[i] ?? 0, first: this.v6Start[i] ?? 0n, last: this.v6End[i] ?? 0n };
  }

  organisation(org: number): { asn: number; name: string } {
    return { asn: this.orgAsn[org] ?? 0, name: this.names.toString('utf8', this.orgName[org] ?? 0, this.orgName[org + 1] ?? 0) };
  }

  /** The organisation's class and the source that decided it, both decided at build time. */
  classOf(org: number): { networkClass: NetworkClass; reason: string } {
    const reason = this.orgReason[org] ?? 0;
    return {
      networkClass: NETWORK_CLASSES[this.orgClass[org] ?? 0] ?? 'unknown',
      reason: this.reasons.toString('utf8', this.reasonText[reason] ?? 0, this.reasonText[reason + 1] ?? 0),
    };
  }

  /**
   * Index of the one range holding all of [first, last], NO_RANGE when no range overlaps it, or SPLIT when ranges
   * hold only parts of it. A table of 65,537 offsets by the top 16 bits narrows the binary search to the few ranges
   * starting in the query's /16, and nothing is allocated. (Lookups go through spanV4, which is faster for networks
   * inside one /16 and uses this for wider ones.)
   */
  coveringV4(first: number, last: number): number {
    const buckets = (this.v4Buckets ??= offsetsByTop16(this.v4Start));
    const starts = this.v4Start;
    const top = first >>> 16;
    // Every range before buckets[top] starts below the query's /16, every range from buckets[top + 1] on after it.
    let lo = buckets[top]!;
    let hi = buckets[top + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= first) lo = mid + 1;
      else hi = mid;
    }
    // lo: the first range starting after `first`; lo - 1: the last one starting at or before it.
    if (lo > 0) {
      const end = this.v4End[lo - 1]!;
      if (end >= first) return end >= last ? lo - 1 : SPLIT;
    }
    return lo < starts.length && starts[lo]! <= last ? SPLIT : NO_RANGE;
  }

  /**
   * The IPv4 hot path (see V4Spans): the span, a range or a gap between ranges, holding all of [first, last], or
   * SPLIT when several spans share it (never only gaps: two gaps are never adjacent, a range lies between them).
   */
  spanV4(first: number, last: number): number {
    const spans = this.spans;
    if ((first ^ last) >>> 16 === 0) return spans.within16(first, last);
    // Wider than a /16, which the pipeline never sends: when one range or one gap holds all of it, that is the
    // span holding its first address.
    return this.coveringV4(first, last) === SPLIT ? SPLIT : spans.within16(first, first);
  }

  /** The range index of an IPv4 span, or NO_RANGE when the span is a gap. */
  spanRangeV4(span: number): number {
    return this.spans.range(span);
  }

  get spanCountV4(): number {
    return this.spans.count;
  }

  /** The IPv4 spans, built on first use (about 15 ms). */
  get spans(): V4Spans {
    return (this.v4Spans ??= V4Spans.build(this.v4Start, this.v4End));
  }

  /** As coveringV4, for the upper 64 bits of an IPv6 network given as high and low 32-bit words. */
  coveringV6(firstHi: number, firstLo: number, lastHi: number, lastLo: number): number {
    const startHi = (this.v6StartHi ??= highWords(this.v6StartWords));
    const buckets = (this.v6Buckets ??= offsetsByTop16(startHi));
    const words = this.v6StartWords;
    const top = firstHi >>> 16;
    let lo = buckets[top]!;
    let hi = buckets[top + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const h = startHi[mid]!;
      if (h < firstHi || (h === firstHi && words[2 * mid]! <= firstLo)) lo = mid + 1;
      else hi = mid;
    }
    const ends = this.v6EndWords;
    if (lo > 0) {
      const endHi = ends[2 * lo - 1]!;
      const endLo = ends[2 * lo - 2]!;
      if (endHi > firstHi || (endHi === firstHi && endLo >= firstLo)) {
        return endHi > lastHi || (endHi === lastHi && endLo >= lastLo) ? lo - 1 : SPLIT;
      }
    }
    if (lo < startHi.length) {
      const h = startHi[lo]!;
      if (h < lastHi || (h === lastHi && words[2 * lo]! <= lastLo)) return SPLIT;
    }
    return NO_RANGE;
  }

  get counts(): { v4: number; v6: number; organisations: number } {
    return { v4: this.v4Start.length, v6: this.v6Start.length, organisations: this.orgAsn.length };
  }

  /** `first`/`last` are the inclusive bounds of the queried IPv4 network. */
  lookupV4(first: number, last: number): RangeHit | undefined {
    const hits: Overlap[] = [];
    // Ranges are sorted and disjoint, so their ends ascend too: walk back from the last range starting in the query.
    for (let i = upperBound(this.v4Start, last) - 1; i >= 0 && hits.length < MAX_RANGES_PER_QUERY; i--) {
      const start = this.v4Start[i] ?? 0;
      const end = this.v4End[i] ?? 0;
      if (end < first) break;
      const overlap = Math.min(end, last) - Math.max(start, first) + 1;
      hits.push({ org: this.v4Org[i] ?? 0, first: start, last: end, overlap, size: end - start + 1 });
    }
    return this.pick(hits, last - first + 1, (h) => h.first <= first && h.last >= last);
  }

  /** `first`/`last` are the upper 64 bits of the queried IPv6 network's bounds. */
  lookupV6(first: bigint, last: bigint): RangeHit | undefined {
    const hits: Overlap[] = [];
    for (let i = upperBound(this.v6Start, last) - 1; i >= 0 && hits.length < MAX_RANGES_PER_QUERY; i--) {
      const start = this.v6Start[i] ?? 0n;
      const end = this.v6End[i] ?? 0n;
      if (end < first) break;
      const overlap = Number((end < last ? end : last) - (start > first ? start : first) + 1n);
      hits.push({ org: this.v6Org[i] ?? 0, first: start, last: end, overlap, size: Number(end - start + 1n) });
    }
    return this.pick(hits, Number(last - first + 1n), (h) => h.first <= first && h.last >= last);
  }

  /** The winner of a split query from the scratch arrays, which it resets for the next query (see takeWinner). */
  private winner(organisations: number): { org: number; held: number; i: number } {
    return takeWinner(this.orgShare!, this.orgBest!, this.touched!, organisations);
  }

  /** As lookupV4, with the scratch arrays of lookupV6Word instead of an object per range and a Map. */
  lookupV4Split(first: number, last: number): RangeHit | undefined {
    const share = (this.orgShare ??= new Float64Array(this.orgAsn.length));
    const bestOf = (this.orgBest ??= new Int32Array(this.orgAsn.length).fill(-1));
    const touched = (this.touched ??= new Uint32Array(MAX_RANGES_PER_QUERY));
    const starts = this.v4Start;
    const ends = this.v4End;
    let organisations = 0;
    let count = 0;
    for (let i = upperBound(starts, last) - 1; i >= 0 && count < MAX_RANGES_PER_QUERY; i--) {
      const end = ends[i]!;
      if (end < first) break;
      const start = starts[i]!;
      const org = this.v4Org[i]!;
      const best = bestOf[org]!;
      if (best < 0) touched[organisations++] = org;
      share[org] = share[org]! + (Math.min(end, last) - Math.max(start, first) + 1);
      if (best < 0 || end - start > ends[best]! - starts[best]!) bestOf[org] = i;
      count++;
    }
    if (count === 0) return undefined;
    const { org, held, i } = this.winner(organisations);
    const start = starts[i]!;
    const end = ends[i]!;
    const coversAll = start <= first && end >= last;
    return { ...this.organisation(org), org, first: start, last: end, coversAll, share: held / (last - first + 1), organisations };
  }

  /**
   * As lookupV6, for a query inside one high word (any prefix of /32 or longer, so every /48): overlaps are counted
   * with 32-bit numbers, and the bigint bounds are read only for the winning range. A /48 split into hundreds of
   * customer ranges costs a few microseconds instead of hundreds.
   */
  lookupV6Word(hi: number, firstLo: number, lastLo: number): RangeHit | undefined {
    const startHi = (this.v6StartHi ??= highWords(this.v6StartWords));
    const starts = this.v6StartWords;
    const ends = this.v6EndWords;
    // The first range starting after the query's last /64.
    let lo = 0;
    let top = startHi.length;
    while (lo < top) {
      const mid = (lo + top) >>> 1;
      const h = startHi[mid]!;
      if (h < hi || (h === hi && starts[2 * mid]! <= lastLo)) lo = mid + 1;
      else top = mid;
    }
    // Scratch per organisation, reset before returning: a Map here cost most of the time on crowded /48s.
    const share = (this.orgShare ??= new Float64Array(this.orgAsn.length));
    const bestOf = (this.orgBest ??= new Int32Array(this.orgAsn.length).fill(-1));
    const touched = (this.touched ??= new Uint32Array(MAX_RANGES_PER_QUERY));
    let organisations = 0;
    let count = 0;
    for (let i = lo - 1; i >= 0 && count < MAX_RANGES_PER_QUERY; i--) {
      const endHi = ends[2 * i + 1]!;
      const endLo = ends[2 * i]!;
      if (endHi < hi || (endHi === hi && endLo < firstLo)) break;
      const from = startHi[i]! < hi ? firstLo : Math.max(starts[2 * i]!, firstLo);
      const to = endHi > hi ? lastLo : Math.min(endLo, lastLo);
      const org = this.v6Org[i]!;
      const best = bestOf[org]!;
      if (best < 0) touched[organisations++] = org;
      share[org] = share[org]! + (to - from + 1);
      // Largest range of each organisation; sizes compared as doubles, exact enough to rank them.
      if (best < 0 || rangeSize(ends, startHi, starts, i) > rangeSize(ends, startHi, starts, best)) bestOf[org] = i;
      count++;
    }
    if (count === 0) return undefined;
    const { org, held, i } = this.winner(organisations);
    const first = this.v6Start[i] ?? 0n;
    const last = this.v6End[i] ?? 0n;
    const q0 = (BigInt(hi) << 32n) | BigInt(firstLo);
    const q1 = (BigInt(hi) << 32n) | BigInt(lastLo);
    const coversAll = first <= q0 && last >= q1;
    return { ...this.organisation(org), org, first, last, coversAll, share: held / (lastLo - firstLo + 1), organisations };
  }

  private pick(hits: Overlap[], querySize: number, contains: (h: Overlap) => boolean): RangeHit | undefined {
    const won = pickWinner(hits);
    if (won === undefined) return undefined;
    const { org, held, best, organisations } = won;
    const { asn, name } = this.organisation(org);
    return { asn, name, org, first: best.first, last: best.last, coversAll: contains(best), share: held / querySize, organisations };
  }
}
