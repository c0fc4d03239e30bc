/** Lookup rates: the head-to-head of the two readers, and plain timed passes. */

/** Rounds of the head-to-head, and the timed passes over the sample each side makes per round (see headToHead). */
export const ROUNDS = 5;
export const OUR_PASSES = 3;
export const MAXMIND_PASSES = 1;

/** Lookups per second over `n` items, median of `rounds` passes; `found` keeps the results alive. */
export function measure(rounds: number, n: number, pass: () => number): { perSecond: number; found: number } {
  const rates: number[] = [];
  let found = 0;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    found = pass();
    rates.push(n / ((performance.now() - started) / 1000));
  }
  return { perSecond: median(rates), found };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** A pass over the whole sample; returns how many items got an answer (which keeps the results alive). */
export type Pass = () => number;

export interface HeadToHead {
  ours: number;
  maxmind: number;
  /** Median of the per-round ratios, and their spread. */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
  oursFound: number;
  maxmindFound: number;
}

/**
 * Both readers timed in alternation, each in its steady state. A round makes an untimed pass of ours over the sample
 * and then OUR_PASSES timed ones, then the same for maxmind with MAXMIND_PASSES, and the round's ratio compares the
 * two sides' time per lookup.
 *   - Alternation: this machine is shared (other builds and test runs come and go), and timing all of one side's
 *     passes and then all of the other's let a burst of load fall on one side only.
 *   - The untimed pass: without it each side would start with caches the other side had just filled, a handicap of
 *     taking turns that neither reader has in service (nor had in this benchmark's earlier form, which timed each
 *     side's passes back to back).
 *   - Several passes of ours: one takes well under 100 ms, short enough for a single preemption to skew it.
 */
export function headToHead(rounds: number, n: number, ours: Pass, maxmind: Pass): HeadToHead {
  const oursRates: number[] = [];
  const maxmindRates: number[] = [];
  const ratios: number[] = [];
  let oursFound = 0;
  let maxmindFound = 0;
  /** Lookups per second over `passes` timed passes after an untimed one. */
  const steady = (pass: Pass, passes: number): { perSecond: number; found: number } => {
    pass();
    let found = 0;
    const started = performance.now();
    for (let p = 0; p < passes; p++) found = pass();
    return { perSecond: (passes * n) / ((performance.now() - started) / 1000), found };
  };
  for (let r = 0; r < rounds; r++) {
    const o = steady(ours, OUR_PASSES);
    const m = steady(maxmind, MAXMIND_PASSES);
    oursFound = o.found;
    maxmindFound = m.found;
    oursRates.push(o.perSecond);
    maxmindRates.push(m.perSecond);
    ratios.push(o.perSecond / m.perSecond);
  }
  return {
    ours: median(oursRates),
    maxmind: median(maxmindRates),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    oursFound,
    maxmindFound,
  };
}
