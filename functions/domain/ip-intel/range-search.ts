/** Small searches over the typed arrays of asn.bin, shared by the range table's lookups. */

/** What the range table knows about a queried network, before classification. */
export interface RangeHit {
  readonly asn: number;
  readonly name: string;
  /** Index of the organisation, stable for the life of the table (used to cache classifications). */
  readonly org: number;
  /** The largest range of the winning organisation that overlaps the query, as stored (IPv6: upper 64 bits). */
  readonly first: number | bigint;
  readonly last: number | bigint;
  /** The winning range contains the whole queried network. */
  readonly coversAll: boolean;
  /** Share of the queried network held by the winning organisation, 0..1. */
  readonly share: number;
  /** Distinct organisations holding parts of the queried network. */
  readonly organisations: number;
}

/** One range overlapping a query, for the general (slow) lookups. */
export interface Overlap {
  org: number;
  first: number | bigint;
  last: number | bigint;
  /** Addresses (IPv4) or /64s (IPv6) shared with the query. */
  overlap: number;
  size: number;
}

/**
 * The organisation holding the largest share of the query among `hits`, and its largest range. Hits run from high
 * to low addresses, so `>=` lets a tie go to the organisation holding the lower addresses.
 */
export function pickWinner(
  hits: readonly Overlap[],
): { org: number; held: number; best: Overlap; organisations: number } | undefined {
  if (hits.length === 0) return undefined;
  const shareByOrg = new Map<number, number>();
  for (const h of hits) shareByOrg.set(h.org, (shareByOrg.get(h.org) ?? 0) + h.overlap);
  let org = -1;
  let held = -1;
  for (const [o, share] of shareByOrg) {
    if (share >= held) {
      org = o;
      held = share;
    }
  }
  let best: Overlap | undefined;
  for (const h of hits) if (h.org === org && (best === undefined || h.size > best.size)) best = h;
  return best && { org, held, best, organisations: shareByOrg.size };
}

/** Size of IPv6 range `i` in /64s, from little-endian u32 word pairs; a double, exact enough to rank ranges. */
export function rangeSize(ends: Uint32Array, startHi: Uint32Array, starts: Uint32Array, i: number): number {
  return (ends[2 * i + 1]! - startHi[i]!) * 4294967296 + (ends[2 * i]! - starts[2 * i]!);
}

/** The high words of little-endian u64 values, contiguous, so the IPv6 search reads 4 bytes per step, not 8. */
export function highWords(words: Uint32Array): Uint32Array {
  const high = new Uint32Array(words.length / 2);
  for (let i = 0; i < high.length; i++) high[i] = words[2 * i + 1]!;
  return high;
}

/** Index of the first element greater than `value`. */
export function upperBound<T extends number | bigint>(sorted: ArrayLike<T>, value: T): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v !== undefined && v <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The organisation holding the largest share of a split query, and the index of its largest range, from the
 * per-organisation scratch arrays of AsnTable (a Map there cost most of the time on crowded /48s); resets them for
 * the next query. Organisations are visited in order of first appearance, so `>=` gives a tie to the one seen
 * last, as pickWinner does.
 */
export function takeWinner(
  share: Float64Array,
  bestOf: Int32Array,
  touched: Uint32Array,
  organisations: number,
): { org: number; held: number; i: number } {
  let org = -1;
  let held = -1;
  let i = 0;
  for (let k = 0; k < organisations; k++) {
    const o = touched[k]!;
    if (share[o]! >= held) {
      org = o;
      held = share[o]!;
      i = bestOf[o]!;
    }
    share[o] = 0;
    bestOf[o] = -1;
  }
  return { org, held, i };
}
