import { adjudicated, agreement, cohensKappa, needsThirdReading } from '../../../scripts/eval/agreement';
import type { LabelledHolder } from '../../../scripts/eval/metrics';

const holder = (asn: number, label: string): LabelledHolder => ({ asn, name: `AS${asn}`, stratum: 's', split: 'dev', label, confidence: 'sure' });

describe('agreement between two readings of the same holders', () => {
  it("scores the second reading against the first, leaving out `unclear` in either and holders only one read", () => {
    const first = [holder(1, 'company'), holder(2, 'company'), holder(3, 'isp'), holder(4, 'company'), holder(5, 'unclear'), holder(6, 'company')];
    const second = [holder(1, 'company'), holder(2, 'infrastructure'), holder(3, 'company'), holder(4, 'unclear'), holder(5, 'company')];

    const { secondAgainstFirst, agreed } = agreement(first, second);

    expect(secondAgainstFirst).toMatchObject({ tp: 1, fp: 1, fn: 1, tn: 0 });
    expect(agreed.map((h) => h.asn)).toEqual([1]);
  });

  it('keeps the holders both readings judge alike, with the first reading’s label', () => {
    const { agreed } = agreement([holder(1, 'isp'), holder(2, 'company')], [holder(1, 'government'), holder(2, 'company')]);

    expect(agreed.map((h) => [h.asn, h.label])).toEqual([[1, 'isp'], [2, 'company']]);
  });

  it("Cohen's kappa: 1 for full agreement, 0 for agreement by chance alone, and a worked example", () => {
    expect(cohensKappa([[true, true], [false, false]])).toBe(1);
    // Both readers say yes half the time, independently: observed agreement 0.5 = expected.
    expect(cohensKappa([[true, true], [true, false], [false, true], [false, false]])).toBe(0);
    // 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: observed 0.7, expected 0.5·0.6 + 0.5·0.4 = 0.5, kappa 0.4.
    const pairs = [
      ...Array.from({ length: 20 }, () => [true, true] as const),
      ...Array.from({ length: 5 }, () => [true, false] as const),
      ...Array.from({ length: 10 }, () => [false, true] as const),
      ...Array.from({ length: 15 }, () => [false, false] as const),
    ];
    expect(cohensKappa(pairs)).toBeCloseTo(0.4, 10);
  });
});

describe('adjudicated labels: the majority of three readings', () => {
  it('company when two readings say so, not company when two say something else, unclear otherwise', () => {
    const first = [holder(1, 'company'), holder(2, 'company'), holder(3, 'isp'), holder(4, 'company'), holder(5, 'unclear')];
    const second = [holder(1, 'company'), holder(2, 'infrastructure'), holder(3, 'company'), holder(4, 'isp'), holder(5, 'company')];
    const third = [holder(2, 'government'), holder(3, 'company'), holder(4, 'unclear'), holder(5, 'isp')];

    expect(adjudicated(first, second, third).map((h) => [h.asn, h.label])).toEqual([
      [1, 'company'],
      [2, 'infrastructure'],
      [3, 'company'],
      [4, 'unclear'],
      [5, 'unclear'],
    ]);
  });

  it('asks a third reading only where the first two differ on company, or either is unclear', () => {
    const first = [holder(1, 'company'), holder(2, 'isp'), holder(3, 'company'), holder(4, 'unclear')];
    const second = [holder(1, 'company'), holder(2, 'infrastructure'), holder(3, 'isp'), holder(4, 'isp')];

    expect(needsThirdReading(first, second).map((h) => h.asn)).toEqual([3, 4]);
  });
});
