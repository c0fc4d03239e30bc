/**
 * Precision and recall of the lead decision on the hand-labelled evaluation set, as
 * data/classification-eval/PROTOCOL.md defines them: a holder becomes a lead when it is classed `business`; the
 * wanted holders are those labelled `company`; holders labelled `unclear` are left out of every figure.
 * Pure functions, shared by `npm run eval:classification` and the unit test that guards the goal.
 */
import { readCsv } from '../build/csv';

export interface LabelledHolder {
  readonly asn: number;
  readonly name: string;
  readonly stratum: string;
  readonly split: string;
  readonly label: string;
  readonly confidence: string;
}

export interface Proportion {
  readonly hits: number;
  readonly n: number;
  readonly value: number;
  /** Wilson 95 % score interval. */
  readonly low: number;
  readonly high: number;
}

export interface Score {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly precision: Proportion;
  readonly recall: Proportion;
}

/** One decision: the holder was classed `business` (it becomes a lead) and whether it is wanted. */
export interface Decision {
  readonly lead: boolean;
  readonly wanted: boolean;
}

export function readLabels(file: string): LabelledHolder[] {
  return readCsv(file).map((row) => {
    const asn = Number(row.asn);
    if (!Number.isInteger(asn) || !row.label) throw new Error(`${file}: bad row for AS${row.asn}`);
    return {
      asn,
      name: row.name ?? '',
      stratum: row.stratum ?? '',
      split: row.split ?? '',
      label: row.label,
      confidence: row.confidence ?? '',
    };
  });
}

const Z = 1.96;

/** Wilson score interval (PROTOCOL.md, "How precision and recall are computed"). */
export function proportion(hits: number, n: number): Proportion {
  if (n === 0) return { hits, n, value: NaN, low: NaN, high: NaN };
  const p = hits / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { hits, n, value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export function score(decisions: readonly Decision[]): Score {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const { lead, wanted } of decisions) {
    if (lead && wanted) tp++;
    else if (lead) fp++;
    else if (wanted) fn++;
    else tn++;
  }
  return { tp, fp, fn, tn, precision: proportion(tp, tp + fp), recall: proportion(tp, tp + fn) };
}

const pct = (x: number): string => (Number.isNaN(x) ? '  n/a' : `${(x * 100).toFixed(1).padStart(5)}`);

export function formatProportion(p: Proportion): string {
  if (p.n === 0) return 'n/a (no holders)';
  return `${pct(p.value)} % [${pct(p.low).trim()}–${pct(p.high).trim()}] (${p.hits}/${p.n})`;
}

export function formatScore(label: string, s: Score): string {
  return (
    `${label.padEnd(22)} precision ${formatProportion(s.precision).padEnd(32)} ` +
    `recall ${formatProportion(s.recall).padEnd(32)} TP ${s.tp} FP ${s.fp} FN ${s.fn}`
  );
}
