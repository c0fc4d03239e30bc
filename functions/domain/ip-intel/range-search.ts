/** Small searches over the typed arrays of asn.bin, shared by the range table's lookups. */

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
