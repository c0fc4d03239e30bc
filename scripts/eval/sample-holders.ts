/**
 * Draws the AS holders for the hand-labelled classification evaluation set (see data/classification-eval/PROTOCOL.md).
 *
 * The strata are defined by the classes of the 0.1 classifier (commit b4f758d), which this repository no longer
 * holds. To draw the sample again, check that commit out beside this one and name its classifier:
 *   git worktree add /tmp/eirlead-v01 b4f758d
 *   npx tsx scripts/eval/sample-holders.ts /tmp/eirlead-v01/functions/shared/ip-intel/classify.ts
 * Writes data/classification-eval/sample.csv. The draw is deterministic: same data + same seed = same sample
 * (drawn 2026-12-04 from @ip-location-db/asn 2.3.2026061719).
 *
 * With `--second-dev` (after the classifier's path) it draws the second development sample instead
 * (`sample-dev2.csv`, 2026-12-05): more development holders where recall is decided, because the first sample's
 * development part had only four misses left to learn from. Only holders of the `dev` split that the first sample
 * did not draw, with its own seed; the held-out part is neither drawn nor read.
 *   traffic-business   60  as above
 *   tail-business     180  as above
 *
 * With `--second-heldout` it draws the second held-out sample (`sample-heldout2.csv`, PROTOCOL.md "Second held-out
 * sample"): the first sample's design at half size, only among holders of the `heldout` split that the first sample
 * did not draw, with its own seed; the development part is neither drawn nor read.
 *   traffic-any 50, traffic-business 100, tail-business 75, tail-other 75
 *
 * With `--third-heldout` the third held-out sample (`sample-heldout3.csv`, PROTOCOL.md "Third held-out sample"): the
 * second's design, among `heldout` holders that neither earlier held-out sample drew, with its own seed.
 *
 * A holder is one AS number. Its name is the name of its largest IPv4 range (ties: the first range in file
 * order); its weight for the traffic strata is its IPv4 address count. Holders that only appear in the IPv6
 * file are not in the frame (the product sees mostly IPv4 and the strata are weighted by IPv4 addresses).
 *
 * Strata, drawn in this order, without replacement and without duplicates across strata:
 *   traffic-any       100  proportional to IPv4 addresses, all holders
 *   traffic-business  200  proportional to IPv4 addresses, holders the 0.1 classifier calls `business`
 *   tail-business     150  uniform, 0.1-`business` holders
 *   tail-other        150  uniform, 0.1 non-business holders
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from '../bench/workload';
import { csvField, parseCsvLine } from '../build/csv';
import { splitOf } from './split';

type Classify = (asn: number, name: string) => { networkClass: string };

type Stratum = { name: string; size: number; pool: 'all' | 'business' | 'other'; weighted: boolean };

/** The held-out samples after the first: its design at half size. */
const HALF_DESIGN: readonly Stratum[] = [
  { name: 'traffic-any', size: 50, pool: 'all', weighted: true },
  { name: 'traffic-business', size: 100, pool: 'business', weighted: true },
  { name: 'tail-business', size: 75, pool: 'business', weighted: false },
  { name: 'tail-other', size: 75, pool: 'other', weighted: false },
];

interface Draw {
  readonly seed: number;
  /** Written to data/classification-eval/. */
  readonly file: string;
  readonly strata: readonly Stratum[];
  /** The split a later sample draws from; the first sample drew from both. */
  readonly onlySplit?: 'dev' | 'heldout';
  /** Earlier samples whose holders a later one does not draw again. */
  readonly drawnBefore: readonly string[];
}

/** Each sample, chosen by its flag (`--second-dev`, …; none: the first). */
const DRAWS: Record<string, Draw> = {
  first: {
    seed: 20261204,
    file: 'sample.csv',
    strata: [
      { name: 'traffic-any', size: 100, pool: 'all', weighted: true },
      { name: 'traffic-business', size: 200, pool: 'business', weighted: true },
      { name: 'tail-business', size: 150, pool: 'business', weighted: false },
      { name: 'tail-other', size: 150, pool: 'other', weighted: false },
    ],
    drawnBefore: [],
  },
  'second-dev': {
    seed: 20261205,
    file: 'sample-dev2.csv',
    strata: [
      { name: 'traffic-business', size: 60, pool: 'business', weighted: true },
      { name: 'tail-business', size: 180, pool: 'business', weighted: false },
    ],
    onlySplit: 'dev',
    drawnBefore: ['sample.csv'],
  },
  'second-heldout': { seed: 20261208, file: 'sample-heldout2.csv', strata: HALF_DESIGN, onlySplit: 'heldout', drawnBefore: ['sample.csv'] },
  'third-heldout': { seed: 20261209, file: 'sample-heldout3.csv', strata: HALF_DESIGN, onlySplit: 'heldout', drawnBefore: ['sample.csv', 'sample-heldout2.csv'] },
};
const DRAW = DRAWS[Object.keys(DRAWS).find((name) => process.argv.includes(`--${name}`)) ?? 'first']!;
const ROOT = resolve(process.cwd()); // run from the repository root
const DATA = join(ROOT, 'node_modules', '@ip-location-db', 'asn');
const EVAL_DIR = join(ROOT, 'data', 'classification-eval');

interface Holder {
  asn: number;
  name: string;
  largest: number;
  addresses: number;
  ranges: number;
  hasIpv6: boolean;
  classV01: string;
}

function ipv4ToNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`bad IPv4 ${ip}`);
  return ((parts[0]! * 256 + parts[1]!) * 256 + parts[2]!) * 256 + parts[3]!;
}

function loadHolders(classify: Classify): Holder[] {
  const holders = new Map<number, Holder>();
  for (const line of readFileSync(join(DATA, 'asn-ipv4.csv'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const [first, last, asnText, name = ''] = parseCsvLine(line);
    const asn = Number(asnText);
    if (!Number.isInteger(asn) || asn <= 0) continue;
    const size = ipv4ToNumber(last!) - ipv4ToNumber(first!) + 1;
    const holder = holders.get(asn);
    if (!holder) {
      holders.set(asn, { asn, name, largest: size, addresses: size, ranges: 1, hasIpv6: false, classV01: '' });
    } else {
      holder.addresses += size;
      holder.ranges += 1;
      if (size > holder.largest) { holder.largest = size; holder.name = name; }
    }
  }
  for (const line of readFileSync(join(DATA, 'asn-ipv6.csv'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const holder = holders.get(Number(parseCsvLine(line)[2]));
    if (holder) holder.hasIpv6 = true;
  }
  const list = [...holders.values()].sort((a, b) => a.asn - b.asn);
  for (const holder of list) holder.classV01 = classify(holder.asn, holder.name).networkClass;
  return list;
}

/** Draws `size` holders from `pool` (uniformly or proportional to IPv4 addresses), skipping `taken`. */
function draw(pool: Holder[], size: number, weighted: boolean, taken: Set<number>, random: () => number): Holder[] {
  const candidates = pool.filter((h) => !taken.has(h.asn));
  const weights = candidates.map((h) => (weighted ? h.addresses : 1));
  let total = weights.reduce((sum, w) => sum + w, 0);
  const chosen: Holder[] = [];
  while (chosen.length < size && total > 0) {
    let target = random() * total;
    let index = 0;
    for (; index < candidates.length - 1; index++) {
      if (weights[index]! === 0) continue;
      target -= weights[index]!;
      if (target < 0) break;
    }
    while (weights[index] === 0) index--; // floating-point guard at the end of the list
    chosen.push(candidates[index]!);
    taken.add(candidates[index]!.asn);
    total -= weights[index]!;
    weights[index] = 0;
  }
  if (chosen.length < size) throw new Error(`pool too small: wanted ${size}, got ${chosen.length}`);
  return chosen;
}

async function main(): Promise<void> {
  const classifierPath = process.argv[2];
  if (!classifierPath) throw new Error('Name the 0.1 classifier module (see the comment at the top of this file)');
  const { classify } = (await import(pathToFileURL(resolve(classifierPath)).href)) as { classify: Classify };
  const asnsOf = (file: string): number[] => readFileSync(join(EVAL_DIR, file), 'utf8').split('\n').slice(1).map((line) => Number(line.split(',')[0]));
  const drawnBefore = new Set(DRAW.drawnBefore.flatMap(asnsOf));
  const holders = loadHolders(classify).filter((h) => !DRAW.onlySplit || (splitOf(h.asn) === DRAW.onlySplit && !drawnBefore.has(h.asn)));
  const random = seededRandom(DRAW.seed);
  const pools = {
    all: holders,
    business: holders.filter((h) => h.classV01 === 'business'),
    other: holders.filter((h) => h.classV01 !== 'business'),
  };
  const taken = new Set<number>();
  const rows = ['asn,name,ipv4_addresses,ranges,has_ipv6,stratum,class_v01,split'];
  const counts: string[] = [];
  for (const stratum of DRAW.strata) {
    const chosen = draw(pools[stratum.pool], stratum.size, stratum.weighted, taken, random);
    counts.push(`${stratum.name}=${chosen.length}`);
    for (const h of chosen) {
      rows.push([h.asn, csvField(h.name), h.addresses, h.ranges, h.hasIpv6, stratum.name, h.classV01, splitOf(h.asn)].join(','));
    }
  }
  writeFileSync(join(EVAL_DIR, DRAW.file), rows.join('\n') + '\n');
  console.log(`holders=${holders.length} business=${pools.business.length} other=${pools.other.length}`);
  console.log(`wrote ${join(EVAL_DIR, DRAW.file)}: ${counts.join(' ')}`);
}

await main();
