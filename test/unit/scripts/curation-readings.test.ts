import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decidedLabel, undecidedByTwo, readChunk, REVIEWS, type Reading } from '../../../scripts/eval/readings';

const reading = (label: string, confidence = 'sure'): Reading => ({ label, confidence, reason: `${label} reason` });
const labels = (...names: string[]): Reading[] => names.map((name) => reading(name));

describe('which holders a curation review leaves undecided after two readings', () => {
  it('in a review that merges every label: any two labels that differ, unless both are unclear', () => {
    const { third } = REVIEWS;

    expect(undecidedByTwo(third, reading('company'), reading('infrastructure'))).toBe(true);
    expect(undecidedByTwo(third, reading('isp'), reading('infrastructure'))).toBe(true);
    expect(undecidedByTwo(third, reading('unclear'), reading('company'))).toBe(true);
    expect(undecidedByTwo(third, reading('unclear'), reading('unclear'))).toBe(false);
    expect(undecidedByTwo(third, reading('isp'), reading('isp'))).toBe(false);
  });

  it('in a review that merges only `company`: exactly one of the two says company', () => {
    const { fifth } = REVIEWS;

    expect(undecidedByTwo(fifth, reading('company'), reading('isp'))).toBe(true);
    expect(undecidedByTwo(fifth, reading('unclear'), reading('company'))).toBe(true);
    expect(undecidedByTwo(fifth, reading('isp'), reading('infrastructure'))).toBe(false);
    expect(undecidedByTwo(fifth, reading('company'), reading('company'))).toBe(false);
  });
});

describe('the label that decides a holder', () => {
  it('is the label two readings agree on, with two readings or three', () => {
    expect(decidedLabel(REVIEWS.third, labels('isp', 'isp'))).toBe('isp');
    expect(decidedLabel(REVIEWS.third, labels('company', 'infrastructure', 'company'))).toBe('company');
    expect(decidedLabel(REVIEWS.third, labels('unclear', 'government', 'government'))).toBe('government');
  });

  it('is none when no label has two readings, and unclear never counts', () => {
    expect(decidedLabel(REVIEWS.third, labels('company', 'isp'))).toBeUndefined();
    expect(decidedLabel(REVIEWS.third, labels('company', 'isp', 'infrastructure'))).toBeUndefined();
    expect(decidedLabel(REVIEWS.third, labels('unclear', 'unclear', 'isp'))).toBeUndefined();
  });

  it('in a review that merges only `company`, is company or none', () => {
    expect(decidedLabel(REVIEWS.fourth, labels('company', 'isp', 'company'))).toBe('company');
    expect(decidedLabel(REVIEWS.fourth, labels('company', 'isp', 'isp'))).toBeUndefined();
  });
});

describe("one reader's chunk", () => {
  const dir = mkdtempSync(join(tmpdir(), 'eirlead-readings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let written = 0;
  const chunk = (rows: string[]): string => {
    const file = join(dir, `chunk-${++written}-labels.csv`);
    writeFileSync(file, ['asn,name,label,confidence,reason', ...rows].join('\n') + '\n');
    return file;
  };

  it('is read by AS number when it holds exactly one protocol label per AS number of its worklist', () => {
    const read = readChunk(chunk(['1,A,company,sure,maker of pumps', '2,B,isp,likely,"regional ISP, fibre"']), [1, 2]);

    expect(read.get(2)).toEqual({ label: 'isp', confidence: 'likely', reason: 'regional ISP, fibre' });
  });

  it.each([
    ['a missing AS number', ['1,A,company,sure,x'], /1 rows for 2/],
    ['an AS number of another worklist', ['1,A,company,sure,x', '3,C,isp,sure,x'], /AS2 missing/],
    ['an AS number twice', ['1,A,company,sure,x', '1,A,isp,sure,x'], /AS1 twice/],
    ['a label the protocol does not have', ['1,A,business,sure,x', '2,B,isp,sure,x'], /unknown label "business"/],
    ['a confidence the protocol does not have', ['1,A,company,high,x', '2,B,isp,sure,x'], /unknown confidence "high"/],
  ])('is refused whole with %s', (_, rows, message) => {
    expect(() => readChunk(chunk(rows), [1, 2])).toThrow(message);
  });
});
