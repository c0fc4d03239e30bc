/**
 * The goal of issue 13 on the hand-labelled evaluation set (data/classification-eval/PROTOCOL.md), measured on the
 * built asn.bin as the Lambda reads it: precision >= 0.90 (wanted organisations among holders classed `business`)
 * and recall >= 0.95 (holders classed `business` among the wanted ones), `unclear` labels left out.
 *
 * - The held-out part decides whether the goal is met. Its labels were added only after the classifier was done
 *   (data/classification-eval/labels-heldout.csv). Measured then: precision 0.982 (54/55, goal met), recall 0.844
 *   (54/64, goal NOT met: small IT firms and platforms the curation classed as hosting, see docs/classification.md
 *   "Known limits"). After the second review of the curation (docs/classification.md): precision 0.950 (57/60),
 *   recall 0.891 (57/64), goal still not met. Its test holds precision to the goal and recall to the level reached
 *   (HELDOUT_RECALL_FLOOR), so the figures cannot fall unnoticed; raising the floor to the goal is the open work.
 * - The development part was used to tune the rules, so its figures flatter the classifier and are no evidence of
 *   the goal; its test guards against regressions: it fails when a change makes precision or recall worse than
 *   the level reached (DEV_FLOOR), and prints the figures either way.
 * - The second development sample (labels-dev2.csv, 240 development-split holders drawn 2026-12-05 where recall is
 *   decided) was measured once before anything was looked at or changed because of it: precision 0.936 (88/94),
 *   recall 0.957 (88/92). From then on it is development data; its test guards that level (DEV2_FLOOR).
 * - The no-cue probe (labels-no-cue.csv, PROTOCOL.md) decided one rule by a threshold fixed before its labels were
 *   made (classify.ts `isNoCueOfficeBlock`), checked again among decoys (labels-no-cue-mixed.csv) and then kept
 *   from holders with IPv6, where the labelled persons were. With it: held-out unchanged (0.950, 0.891); the second
 *   sample 0.937 (89/95) and 0.967 (89/92), one company more. The floors below are those figures; the probe's own
 *   test guards the rule's effect on its sample.
 * - The second held-out sample (labels-heldout2.csv, 300 held-out-split holders, the first sample's design at half
 *   size, PROTOCOL.md "Second held-out sample") was measured once when its labels were added, with the classifier
 *   unchanged since its draw: precision 0.954 (62/65), recall 0.925 (62/67). Pooled with the first part, as the
 *   protocol fixed before the draw, the goal is decided: precision 0.952 (119/125), recall 0.908 (119/131), not met.
 *   Its test holds precision to the goal and recall to the level reached, as the first part's does.
 * - The third review (docs/classification.md, "Curation protocol: the third review") read 5,992 neutral-named small
 *   holders again, two readers each: first part 0.951 / 0.906, second sample 0.969 / 0.925, pooled 0.960 (120/125) /
 *   0.916 (120/131); the second development sample 0.918 / 0.967; the no-cue probe 0.880 / 0.657.
 * - The fourth review (name-rule carriers and hosters screened, then read twice) made 742 of them companies: first part
 *   0.952 / 0.922, second sample 0.970 / 0.955, pooled 0.961 (123/128) / 0.939 (123/131): the goal is still not met on
 *   the first labels. Against adjudicated labels (a proposed measure, PROTOCOL.md): 0.961 (124/129) / 0.954 (124/130).
 * - The fifth review (curated carriers and hosters judged once, screened, then read twice) made 121 of them companies:
 *   first part 0.952 / 0.938, pooled 0.961 (124/129) / 0.947 (124/131), one company short of the goal on the first
 *   labels; against adjudicated labels 0.962 (125/130) / 0.962 (125/130).
 * - The sixth review (a third reading where the two of the earlier reviews differ) moved no held-out figure.
 * - The seventh review (the non-business groups no reader had judged: brand, structure and organisation carriers and
 *   hosters, public and education rows; screened, then read three times) made 298 of them companies: first part
 *   0.953 (61/64) / 0.953 (61/64), second sample 0.970 (65/67) / 0.970 (65/67), **pooled 0.962 (126/131) / 0.962
 *   (126/131): the goal is met on the first labels**, which the pooled test now holds; against adjudicated labels
 *   0.962 (127/132) / 0.977 (127/130).
 * - The third held-out sample (labels-heldout3.csv, the second's design, drawn after the seventh review because the
 *   reviews had stopped when the held-out figures met the goal) was measured once: precision 0.932 (82/88), recall
 *   0.976 (82/84). All three pooled, which decides the goal from then on: 0.950 (208/219) / 0.967 (208/215), met.
 * `npm run eval:classification` prints the same figures per stratum, with intervals.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildIpData } from '../../../../scripts/build/ipdata';
import { adjudicated } from '../../../../scripts/eval/agreement';
import { judge, loadArtefactClasses, type ArtefactClasses } from '../../../../scripts/eval/holders';
import { formatScore, readLabels, score, type Score } from '../../../../scripts/eval/metrics';

const EVAL_DIR = join(__dirname, '..', '..', '..', '..', 'data', 'classification-eval');
const HELDOUT = join(EVAL_DIR, 'labels-heldout.csv');
const HELDOUT2 = join(EVAL_DIR, 'labels-heldout2.csv');
const HELDOUT3 = join(EVAL_DIR, 'labels-heldout3.csv');
const DEV = join(EVAL_DIR, 'labels-dev.csv');
const DEV2 = join(EVAL_DIR, 'labels-dev2.csv');

const GOAL = { precision: 0.9, recall: 0.95 };
/** What the development part reached after the second review (0.966 / 0.988; 0.956 / 1.000 after the fifth), rounded down. */
const DEV_FLOOR = { precision: 0.95, recall: 0.98 };
/**
 * The second development sample: 0.936 / 0.957 when first measured, 0.937 / 0.967 with the no-cue rule, 0.918 / 0.967
 * after the third review (two more false leads), rounded down.
 */
const DEV2_FLOOR = { precision: 0.91, recall: 0.96 };
/** The held-out recall reached (0.891; 0.906 after the third review, 0.922 after the fourth, 0.938 after the fifth, 0.953 after the seventh), rounded down. */
const HELDOUT_RECALL_FLOOR = 0.95;
/** The second held-out sample's recall when first measured (0.925; 0.955 after the fourth review, 0.970 after the seventh), rounded down. */
const HELDOUT2_RECALL_FLOOR = 0.97;
/** The third held-out sample's recall when measured, the only one no stopping decision saw (0.976), rounded down. */
const HELDOUT3_RECALL_FLOOR = 0.97;
/**
 * Both held-out samples against labels adjudicated by a majority of three readings (PROTOCOL.md, "Adjudicated held-out
 * labels"), the measure proposed for the goal: 0.960 / 0.931 after the third review, 0.961 / 0.954 after the fourth,
 * 0.962 / 0.962 after the fifth, 0.962 / 0.977 after the seventh, rounded down.
 */
const ADJUDICATED_FLOOR = { precision: 0.96, recall: 0.97 };
const NO_CUE = join(EVAL_DIR, 'labels-no-cue.csv');
/**
 * The no-cue probe's holders as the rule classes them: precision 0.759 (22/29), recall 0.328 (22/67; most of its
 * companies have IPv6, which the rule leaves out); after the third review, which read them again, 0.880 (44/50) and
 * 0.657 (44/67), rounded down.
 */
const NO_CUE_FLOOR = { precision: 0.88, recall: 0.65 };

let classes: ArtefactClasses;

beforeAll(() => {
  const { outDir } = buildIpData({ ifStale: true, log: () => undefined });
  classes = loadArtefactClasses(outDir);
}, 120_000);

/** The files' holders scored together, printed under `title`. */
function measure(title: string, ...files: string[]): Score {
  const result = score(files.flatMap((file) => judge(readLabels(file), classes).map((j) => j.decision)));
  console.log(formatScore(title, result));
  return result;
}

const heldoutPresent = existsSync(HELDOUT);
const heldoutTest = heldoutPresent ? test : test.skip;

test(`all three held-out samples pooled, the goal's measure: precision >= ${GOAL.precision}, recall >= ${GOAL.recall}`, () => {
  const { precision, recall } = measure('held-out, all three samples pooled', HELDOUT, HELDOUT2, HELDOUT3);

  expect({ precision: precision.value, recall: recall.value }).toEqual({
    precision: expect.toBeAtLeast(GOAL.precision),
    recall: expect.toBeAtLeast(GOAL.recall),
  });
});

heldoutTest(
  heldoutPresent
    ? `held-out part: precision >= ${GOAL.precision} (the goal), recall >= ${HELDOUT_RECALL_FLOOR} (reached; the goal is decided on the samples pooled)`
    : `held-out part (SKIPPED: ${HELDOUT} is not present; it is added when the classifier is done)`,
  () => {
    const { precision, recall } = measure('held-out', HELDOUT);

    expect({ precision: precision.value, recall: recall.value }).toEqual({
      precision: expect.toBeAtLeast(GOAL.precision),
      recall: expect.toBeAtLeast(HELDOUT_RECALL_FLOOR),
    });
  },
);

test(`second held-out sample: precision >= ${GOAL.precision} (the goal), recall >= ${HELDOUT2_RECALL_FLOOR} (reached; the goal is decided on the samples pooled)`, () => {
  const { precision, recall } = measure('second held-out sample', HELDOUT2);

  expect({ precision: precision.value, recall: recall.value }).toEqual({
    precision: expect.toBeAtLeast(GOAL.precision),
    recall: expect.toBeAtLeast(HELDOUT2_RECALL_FLOOR),
  });
});

test(`third held-out sample: precision >= ${GOAL.precision} (the goal), recall >= ${HELDOUT3_RECALL_FLOOR} (reached)`, () => {
  const { precision, recall } = measure('third held-out sample', HELDOUT3);

  expect({ precision: precision.value, recall: recall.value }).toEqual({
    precision: expect.toBeAtLeast(GOAL.precision),
    recall: expect.toBeAtLeast(HELDOUT3_RECALL_FLOOR),
  });
});

test(`the first two held-out samples against adjudicated labels (the proposed measure): no worse than precision ${ADJUDICATED_FLOOR.precision}, recall ${ADJUDICATED_FLOOR.recall}`, () => {
  const third = readLabels(join(EVAL_DIR, 'labels-heldout-third-reading.csv'));
  const labels = [
    ...adjudicated(readLabels(HELDOUT), readLabels(join(EVAL_DIR, 'labels-heldout-second-reading.csv')), third),
    ...adjudicated(readLabels(HELDOUT2), readLabels(join(EVAL_DIR, 'labels-heldout2-second-reading.csv')), third),
  ];
  const result = score(judge(labels, classes).map((j) => j.decision));
  console.log(formatScore('adjudicated, pooled', result));
  const { precision, recall } = result;

  expect({ precision: precision.value, recall: recall.value }).toEqual({
    precision: expect.toBeAtLeast(ADJUDICATED_FLOOR.precision),
    recall: expect.toBeAtLeast(ADJUDICATED_FLOOR.recall),
  });
});

test(`development part: no worse than precision ${DEV_FLOOR.precision}, recall ${DEV_FLOOR.recall} (tuned on it: not evidence of the goal)`, () => {
  const { precision, recall } = measure('development', DEV);

  expect({ precision: precision.value, recall: recall.value }).toEqual({
    precision: expect.toBeAtLeast(DEV_FLOOR.precision),
    recall: expect.toBeAtLeast(DEV_FLOOR.recall),
  });
});

test(`second development sample: no worse than precision ${DEV2_FLOOR.precision}, recall ${DEV2_FLOOR.recall} (its first measurement)`, () => {
  const { precision, recall } = measure('second development sample', DEV2);

  expect({ precision: precision.value, recall: recall.value }).toEqual({
    precision: expect.toBeAtLeast(DEV2_FLOOR.precision),
    recall: expect.toBeAtLeast(DEV2_FLOOR.recall),
  });
});

test(`no-cue probe: no worse than precision ${NO_CUE_FLOOR.precision}, recall ${NO_CUE_FLOOR.recall} (the rule it decided)`, () => {
  const { precision, recall } = measure('no-cue probe', NO_CUE);

  expect({ precision: precision.value, recall: recall.value }).toEqual({
    precision: expect.toBeAtLeast(NO_CUE_FLOOR.precision),
    recall: expect.toBeAtLeast(NO_CUE_FLOOR.recall),
  });
});

declare global {
  namespace jest {
    interface Expect {
      toBeAtLeast(min: number): unknown;
    }
    interface AsymmetricMatchers {
      toBeAtLeast(min: number): unknown;
    }
  }
}

// An asymmetric matcher, so a failure shows both figures and both bounds at once.
expect.extend({
  toBeAtLeast(received: number, min: number) {
    return {
      pass: received >= min,
      message: () => `expected ${received.toFixed(3)} to be at least ${min}`,
    };
  },
});
