/**
 * Well-known networks (fixtures/known-networks.ts) through the same lookup the enrichment Lambda uses: a sanity
 * check that the famous carriers, clouds and companies keep their class. The measurement of precision and recall
 * on a sample of all holders is classification-heldout.test.ts (and `npm run eval:classification`). Goals here:
 *   - at least 95 % of corporate networks become leads: class business, named as registered;
 *   - at most 2 % of carrier and cloud/hosting networks become leads (class business);
 *   - research/education and government networks get their class at least 80 % of the time.
 * Each threshold is one test; when it is missed the test prints the networks that went wrong (which AS number, what
 * was expected, what the lookup returned) and the confusion table of the whole group.
 */
import { buildIpData } from '../../../../scripts/build/ipdata';
import { loadIpIntel, type IpIntel, type NetworkClass, type NetworkMatch } from '../../../../functions/domain/ip-intel';
import { EXPECTED_CLASS, KNOWN_NETWORKS, type KnownGroup, type KnownNetwork } from './fixtures/known-networks';

interface Outcome {
  readonly known: KnownNetwork & { readonly group: KnownGroup };
  readonly match: NetworkMatch | undefined;
}

interface Score {
  readonly label: string;
  readonly hits: number;
  readonly total: number;
  /** The outcomes that count against the goal, for the failure message. */
  readonly misses: readonly Outcome[];
  /** Expected class (rows) by class returned (columns), over all outcomes scored. */
  readonly confusion: string;
}

declare global {
  namespace jest {
    interface Matchers<R> {
      /** `hits / total` is at least `min` (a fraction); `atMost` turns it round. */
      toMeetShare(bound: { min: number } | { max: number }): R;
    }
  }
}

const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

expect.extend({
  toMeetShare(score: Score, bound: { min: number } | { max: number }) {
    const share = score.total === 0 ? 0 : score.hits / score.total;
    const pass = 'min' in bound ? share >= bound.min : share <= bound.max;
    const goal = 'min' in bound ? `at least ${percent(bound.min)}` : `at most ${percent(bound.max)}`;
    const missLines = score.misses.map(
      ({ known, match }) =>
        `  AS${known.asn} ${known.organisation} (${known.network}): expected ${EXPECTED_CLASS[known.group]}` +
        ` "${known.registeredName}", got ${show(match)}`,
    );
    return {
      pass,
      message: () =>
        [
          `${score.label}: ${score.hits}/${score.total} = ${percent(share)}, goal ${goal}`,
          score.misses.length > 0 ? 'Networks counted against the goal:' : '',
          ...missLines,
          '',
          score.confusion,
        ].join('\n'),
    };
  },
});

function show(match: NetworkMatch | undefined): string {
  return match === undefined ? 'no organisation' : `AS${match.asn} ${match.networkClass} "${match.name}" (${match.reason})`;
}

const CLASSES: readonly (NetworkClass | 'none')[] = ['business', 'isp', 'hosting', 'education', 'government', 'unknown', 'none'];

function confusionTable(outcomes: readonly Outcome[]): string {
  const rows = new Map<NetworkClass, Map<string, number>>();
  for (const { known, match } of outcomes) {
    const expected = EXPECTED_CLASS[known.group];
    const got = match?.networkClass ?? 'none';
    const row = rows.get(expected) ?? new Map<string, number>();
    row.set(got, (row.get(got) ?? 0) + 1);
    rows.set(expected, row);
  }
  const cell = (text: string): string => text.padStart(11);
  const lines = [`${'expected \\ got'.padEnd(15)}${CLASSES.map(cell).join('')}`];
  for (const [expected, row] of rows) {
    lines.push(`${expected.padEnd(15)}${CLASSES.map((c) => cell(String(row.get(c) ?? 0))).join('')}`);
  }
  return lines.join('\n');
}

let outcomes: readonly Outcome[];

beforeAll(() => {
  // `npm test` runs the build in pretest; this keeps `npx jest` working on a fresh clone too.
  const { outDir } = buildIpData({ ifStale: true, log: () => undefined });
  const intel: IpIntel = loadIpIntel(outDir);
  outcomes = KNOWN_NETWORKS.map((known) => ({ known, match: intel.lookupOrganisation(known.network) }));
}, 120_000);

const inGroups = (...groups: KnownGroup[]): Outcome[] => outcomes.filter((o) => groups.includes(o.known.group));
const isNamedCorrectly = ({ known, match }: Outcome): boolean =>
  match?.asn === known.asn && match.name === known.registeredName;

function score(label: string, scored: readonly Outcome[], isHit: (o: Outcome) => boolean, missIsHit = false): Score {
  const hits = scored.filter(isHit);
  return {
    label,
    hits: hits.length,
    total: scored.length,
    misses: missIsHit ? hits : scored.filter((o) => !isHit(o)),
    confusion: confusionTable(scored),
  };
}

describe('classification of well-known networks', () => {
  test('the fixture is current: every network is held by its AS number under its registered name', () => {
    const stale = outcomes.filter((o) => !isNamedCorrectly(o));

    expect(stale.map(({ known, match }) => `AS${known.asn} ${known.network}: ${show(match)}`)).toEqual([]);
  });

  test('at least 95 % of corporate networks are leads under their registered name', () => {
    const corporate = score(
      'corporate networks classified business with the registered name',
      inGroups('corporate'),
      (o) => o.match?.networkClass === 'business' && isNamedCorrectly(o),
    );

    expect(corporate).toMeetShare({ min: 0.95 });
  });

  test('at most 2 % of carrier and hosting networks become leads', () => {
    const leaks = score(
      'carrier and hosting networks classified business',
      inGroups('carrier', 'hosting'),
      (o) => o.match?.networkClass === 'business',
      true,
    );

    expect(leaks).toMeetShare({ max: 0.02 });
  });

  test.each([
    ['carrier', '90 %', 0.9],
    ['hosting', '90 %', 0.9],
    ['education', '80 %', 0.8],
    ['government', '80 %', 0.8],
  ] as const)('%s networks get their own class at least %s of the time', (group, _goal, min) => {
    const own = score(
      `${group} networks classified ${EXPECTED_CLASS[group]}`,
      inGroups(group),
      (o) => o.match?.networkClass === EXPECTED_CLASS[group],
    );

    expect(own).toMeetShare({ min });
  });
});
