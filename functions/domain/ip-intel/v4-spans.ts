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

  /**
   * `slots[span]` for the span holding all of the network `text`, when `text` is `a.b.c.d/len` in the usual form
   * with a prefix length of 16 to 32 (every network the pipeline sends) and that span also holds the first address
   * of the network's /24. Undefined when that slot is empty, or for anything else (malformed text, other forms, a
   * network split between spans, one inside a /24 that a range starts in the middle of): then the caller takes the
   * general path (`parseNetwork` and `within16`). `slots` has one element per span. Accepts nothing `parseNetwork`
   * refuses and agrees with it on what both accept (tests check both on edge cases and mangled text).
   *
   * Why parse here, and why the slot is read before the last octet is parsed: the slot array (a pointer per span,
   * several megabytes) does not stay in cache, least of all on a shared machine, so reading a slot is a wait for
   * memory about as long as all the rest of the lookup. Read as soon as the third octet gives the span, that wait
   * overlaps the rest of the parse; reading it after the whole parse made string lookups about 30% slower. The
   * /16's offsets are read as soon as the first two octets are known, so that their read can overlap the parse too.
   * Every character read stays inside the string: a read past the end returns NaN and would throw away the
   * optimised code.
   */
  slotOfNetwork<T>(text: string, slots: ReadonlyArray<T | undefined>): T | undefined {
    const n = text.length;
    // "0.0.0.0/16" to "255.255.255.255/32".
    if (n < 10 || n > 18) return undefined;
    // Each octet reads up to four characters: its digits and the one that must follow.
    const a = octetAt(text, 0, DOT);
    if (a < 0) return undefined;
    let i = (a >> 8) + 1;
    const b = octetAt(text, i, DOT);
    // Well-formed text has at least "d.d/dd" after the second dot.
    if (b < 0 || (i += (b >> 8) + 1) + 5 >= n) return undefined;
    const top = ((a & 255) << 8) | (b & 255);
    const end = this.offsets[top + 1]!;
    let lo = this.offsets[top]!;
    const c = octetAt(text, i, DOT);
    // And "d/dd" after the third.
    if (c < 0 || (i += (c >> 8) + 1) + 3 >= n) return undefined;
    // The span holding the first address of the /24 (the last one starting at or before it).
    const base = (c & 255) << 8;
    const low = this.low;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (low[mid]! <= base) lo = mid + 1;
      else hi = mid;
    }
    const slot = slots[lo - 1];
    const d = octetAt(text, i, SLASH);
    // A two-digit prefix length of 16 to 32 ends the text.
    if (d < 0 || n - (i += d >> 8) !== 3) return undefined;
    const p0 = text.charCodeAt(i + 1) - ZERO;
    const p1 = text.charCodeAt(i + 2) - ZERO;
    const prefix = p0 * 10 + p1;
    if (((9 - p0) | p0 | (9 - p1) | p1 | (prefix - 16) | (32 - prefix)) < 0) return undefined;
    const from = base | (d & 255);
    const host = 0xffff >>> (prefix - 16);
    if ((from & host) !== 0) return undefined;
    // The span holds the /24's first address and so `from`; it holds all of the network unless another starts
    // after the /24's first address and at or before the network's last.
    return lo < end && low[lo]! <= (from | host) ? undefined : slot;
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

const DOT = 46;
const SLASH = 47;
const ZERO = 48;

/**
 * The value of the 1-3 digit octet at `i` plus its length times 256, or -1 unless the characters there are an
 * octet (0-255, no leading zero: "0" yes, "01" no) followed by `stop`. Reads at most characters i to i + 3, which
 * the caller must know to exist.
 */
function octetAt(text: string, i: number, stop: number): number {
  const d0 = text.charCodeAt(i) - ZERO;
  if (d0 < 0 || d0 > 9) return -1;
  const c1 = text.charCodeAt(i + 1);
  if (c1 === stop) return d0 + 256;
  const d1 = c1 - ZERO;
  if (d1 < 0 || d1 > 9 || d0 === 0) return -1;
  const c2 = text.charCodeAt(i + 2);
  if (c2 === stop) return d0 * 10 + d1 + 512;
  const d2 = c2 - ZERO;
  const value = d0 * 100 + d1 * 10 + d2;
  if (d2 < 0 || d2 > 9 || value > 255 || text.charCodeAt(i + 3) !== stop) return -1;
  return value + 768;
}
