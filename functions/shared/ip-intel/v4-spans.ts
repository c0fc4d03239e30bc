/** A search found no range overlapping the query (re-exported by asn-table.ts, which uses the same codes). */
export const NO_RANGE = -1;
/** A search found ranges holding parts of the query but none holding all of it. */
export const SPLIT = -2;

/**
 * The IPv4 space cut into spans: every range of the table is a span, and so is every gap before, between and after
 * the ranges. Each address lies in exactly one span and a span ends where the next one starts, so only the starts
 * are stored, and only their low 16 bits: a table indexed by the top 16 bits says where each /16's spans begin.
 *
 * Why, when AsnTable.coveringV4 already answers the same question: with some 400,000 ranges a lookup's cost is the
 * memory it reads at random, and each random read of a multi-megabyte array costs as much as parsing the whole
 * network string, or several times that when other processes crowd the caches. The range search reads starts and
 * ends (1.6 MB each); this reads one array of under 1 MB. The span index is also the index of the match cache in
 * index.ts, so a gap answers "no organisation" from that cache without another look at the table.
 */
export class V4Spans {
  private constructor(
    /** Low 16 bits of each span's first address; spans in address order. */
    private readonly low: Uint16Array,
    /** offsets[b]: the first span starting in the /16 whose top 16 bits are b, or after it; offsets[65536] = count. */
    private readonly offsets: Uint32Array,
    /** The range of each span, or NO_RANGE for a gap. */
    private readonly ranges: Int32Array,
  ) {}

  /**
   * `starts`/`ends`: the table's sorted, disjoint IPv4 ranges (inclusive). About 15 ms for 400,000 ranges, on the
   * first IPv4 lookup (the loop runs mostly before the JIT has compiled it).
   */
  static build(starts: Uint32Array, ends: Uint32Array): V4Spans {
    // At most one gap before each range, and one after the last.
    const firsts = new Uint32Array(2 * starts.length + 1);
    const ranges = new Int32Array(2 * starts.length + 1);
    let count = 0;
    let next = 0; // the first address no span holds yet
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      if (start > next) {
        firsts[count] = next;
        ranges[count++] = NO_RANGE;
      }
      firsts[count] = start;
      ranges[count++] = i;
      next = ends[i]! + 1;
    }
    if (next <= 0xffffffff) {
      firsts[count] = next;
      ranges[count++] = NO_RANGE;
    }
    const used = firsts.subarray(0, count);
    // Converting to 16-bit elements keeps the low 16 bits, which is what `low` holds.
    return new V4Spans(new Uint16Array(used), offsetsByTop16(used), ranges.slice(0, count));
  }

  get count(): number {
    return this.ranges.length;
  }

  /** The range index of `span`, or NO_RANGE when it is a gap. */
  range(span: number): number {
    return this.ranges[span] ?? NO_RANGE;
  }

  /** The span holding all of [first, last], which must lie inside one /16; SPLIT when a span starts inside it. */
  within16(first: number, last: number): number {
    const low = this.low;
    const top = first >>> 16;
    const end = this.offsets[top + 1]!;
    const from = first & 0xffff;
    let lo = this.offsets[top]!;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (low[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    // lo: the first span of this /16 starting after `first`. lo - 1 holds `first`: a span of this /16, or the last
    // one of an earlier /16 (span 0 starts at 0.0.0.0, so there always is one).
    return lo < end && low[lo]! <= (last & 0xffff) ? SPLIT : lo - 1;
  }
}

/** offsets[b] = index of the first key whose top 16 bits are >= b; offsets[65536] = keys.length. */
export function offsetsByTop16(sortedKeys: Uint32Array): Uint32Array {
  const offsets = new Uint32Array(65537);
  let i = 0;
  for (let b = 0; b <= 65536; b++) {
    while (i < sortedKeys.length && sortedKeys[i]! >>> 16 < b) i++;
    offsets[b] = i;
  }
  return offsets;
}
