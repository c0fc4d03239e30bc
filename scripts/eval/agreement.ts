/**
 * Agreement between two readings of the same holders (data/classification-eval/PROTOCOL.md, "Agreement between
 * labellers"): how often a second careful labeller, under the same protocol, sees a company where the first did. It
 * bounds the recall any classifier can show against one reading. Pure functions over labelled holders.
 */
import { score, type LabelledHolder, type Score } from './metrics';

export interface Agreement {
  /** The second reading scored as a classifier against the first: `company` is a lead, the first label is the truth. */
  readonly secondAgainstFirst: Score;
  /** Cohen's kappa for company / not company. */
  readonly kappa: number;
  /** The first reading's holders that both readings judge alike (both `company`, or both something else). */
  readonly agreed: readonly LabelledHolder[];
}

const isCompany = (h: LabelledHolder): boolean => h.label === 'company';

/** Holders labelled in both readings; `unclear` in either is left out, as everywhere in the metrics. */
export function agreement(first: readonly LabelledHolder[], second: readonly LabelledHolder[]): Agreement {
  const secondByAsn = new Map(second.map((h) => [h.asn, h]));
  const pairs = first.flatMap((h) => {
    const other = secondByAsn.get(h.asn);
    return other && h.label !== 'unclear' && other.label !== 'unclear' ? [[h, other] as const] : [];
  });
  const secondAgainstFirst = score(pairs.map(([a, b]) => ({ lead: isCompany(b), wanted: isCompany(a) })));
  return {
    secondAgainstFirst,
    kappa: cohensKappa(pairs.map(([a, b]) => [isCompany(a), isCompany(b)] as const)),
    agreed: pairs.filter(([a, b]) => isCompany(a) === isCompany(b)).map(([a]) => a),
  };
}

/** Agreement beyond chance for two binary readings: (observed − expected) / (1 − expected). */
export function cohensKappa(pairs: ReadonlyArray<readonly [boolean, boolean]>): number {
  const n = pairs.length;
  if (n === 0) return NaN;
  const observed = pairs.filter(([a, b]) => a === b).length / n;
  const firstYes = pairs.filter(([a]) => a).length / n;
  const secondYes = pairs.filter(([, b]) => b).length / n;
  const expected = firstYes * secondYes + (1 - firstYes) * (1 - secondYes);
  return expected === 1 ? 1 : (observed - expected) / (1 - expected);
}

/**
 * The majority of up to three readings per holder (PROTOCOL.md, "Adjudicated held-out labels"): `company` when two
 * say so, not company when two say something else than `company` or `unclear`, otherwise `unclear`. Holders are the
 * first reading's; the others are matched by AS number.
 */
export function adjudicated(first: readonly LabelledHolder[], ...others: ReadonlyArray<readonly LabelledHolder[]>): LabelledHolder[] {
  const byAsn = others.map((reading) => new Map(reading.map((h) => [h.asn, h.label])));
  return first.map((holder) => {
    const labels = [holder.label, ...byAsn.flatMap((reading) => reading.get(holder.asn) ?? [])];
    const companies = labels.filter((label) => label === 'company').length;
    const notCompany = labels.filter((label) => label !== 'company' && label !== 'unclear');
    const label = companies >= 2 ? 'company' : notCompany.length >= 2 ? notCompany[0]! : 'unclear';
    return { ...holder, label };
  });
}

/** The holders whose first two readings differ on company / not company, or where either is unclear: a third is needed. */
export function needsThirdReading(first: readonly LabelledHolder[], second: readonly LabelledHolder[]): LabelledHolder[] {
  const secondByAsn = new Map(second.map((h) => [h.asn, h.label]));
  return first.filter((h) => {
    const other = secondByAsn.get(h.asn);
    return other === undefined || h.label === 'unclear' || other === 'unclear' || isCompany(h) !== (other === 'company');
  });
}
