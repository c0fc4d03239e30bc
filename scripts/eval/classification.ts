/**
 * `npm run eval:classification`: how well the built artefact's classes pick the organisations a sales team wants,
 * on the hand-labelled evaluation set (data/classification-eval/, PROTOCOL.md).
 *
 * Prints, for the development part and for the held-out part (when labels-heldout.csv exists): precision (wanted
 * among holders classed `business`) and recall (classed `business` among wanted) with Wilson 95 % intervals and
 * counts, pooled and per stratum, `unclear` left out; for the development part also by the source that decided
 * the class (rows decided by a curated row are not an independent test of the rules). Then the class mix over the
 * whole table: holders per class, and the share of announced IPv4 address space per class (the mix a visit drawn
 * uniformly from announced addresses would see). When labels-no-cue.csv is present, also the no-cue probe: the share
 * of companies in its group and whether the rule PROTOCOL.md fixed before its labels is met. The held-out samples are
 * also reported pooled, which decides the goal (all three once the third is labelled); where second and third readings exist, the agreement between
 * readers and the held-out figures against labels a majority of three readers adjudicated (a proposed measure).
 *
 *   npm run eval:classification                  figures
 *   npm run eval:classification -- --misses      also list the development holders decided wrongly
 *   npm run eval:classification -- --structure   also measure structural signals on the development part
 * The classes are read from build/ipdata/asn.bin as the Lambda reads them (rebuilt first when stale).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NETWORK_CLASSES } from '../../functions/domain/ip-intel/types';
import { buildIpData } from '../build/ipdata';
import { adjudicated, agreement, needsThirdReading } from './agreement';
import { classMix, judge, loadArtefactClasses, scoreBy, sourceOf, structureByAsn, type ArtefactClasses, type Judged, type Structure } from './holders';
import { formatProportion, formatScore, proportion, readLabels, score } from './metrics';

const ROOT = resolve(process.cwd());
const EVAL_DIR = join(ROOT, 'data', 'classification-eval');
export const SPLITS = [
  { name: 'dev', file: join(EVAL_DIR, 'labels-dev.csv') },
  // The second development sample (sample-dev2.csv): development holders only, drawn where recall is decided.
  { name: 'dev2', file: join(EVAL_DIR, 'labels-dev2.csv') },
  { name: 'heldout', file: join(EVAL_DIR, 'labels-heldout.csv') },
  // The second held-out sample (sample-heldout2.csv): the first sample's design at half size, held-out split only.
  { name: 'heldout2', file: join(EVAL_DIR, 'labels-heldout2.csv') },
  // The third held-out sample (sample-heldout3.csv): the second's design, drawn after the last curation review.
  { name: 'heldout3', file: join(EVAL_DIR, 'labels-heldout3.csv') },
] as const;
/** The no-cue probe (PROTOCOL.md): development holders of one group, labelled to decide one rule. */
const NO_CUE_PROBE = join(EVAL_DIR, 'labels-no-cue.csv');
/** Its check in a labeller's usual context: more holders of the group among decoys of every class. */
const NO_CUE_MIXED = join(EVAL_DIR, 'labels-no-cue-mixed.csv');
/** Second readings of two samples by other labellers (PROTOCOL.md, "Agreement between labellers"): first, second. */
const SECOND_READINGS = [
  { name: 'development part', first: join(EVAL_DIR, 'labels-dev.csv'), second: join(EVAL_DIR, 'labels-dev-second-reading.csv') },
  { name: 'first held-out part', first: join(EVAL_DIR, 'labels-heldout.csv'), second: join(EVAL_DIR, 'labels-heldout-second-reading.csv') },
  { name: 'second held-out sample', first: join(EVAL_DIR, 'labels-heldout2.csv'), second: join(EVAL_DIR, 'labels-heldout2-second-reading.csv') },
] as const;
/** Held-out labels adjudicated by a majority of three readings (PROTOCOL.md, "Adjudicated held-out labels"). */
const HELDOUT_READINGS = SECOND_READINGS.filter((r) => r.name !== 'development part');
const HELDOUT_THIRD_READING = join(EVAL_DIR, 'labels-heldout-third-reading.csv');
const GOAL = { precision: 0.9, recall: 0.95 };

function report(name: string, judged: readonly Judged[], bySource: boolean): void {
  const pooled = score(judged.map((j) => j.decision));
  console.log(`\n${name}: ${judged.length} holders labelled (unclear left out); goal precision >= ${GOAL.precision}, recall >= ${GOAL.recall}`);
  console.log(formatScore('all', pooled));
  for (const [stratum, s] of scoreBy(judged, (j) => j.holder.stratum)) console.log(formatScore(`  ${stratum}`, s));
  if (!bySource) return;
  console.log('  by the source that decided the class:');
  for (const [source, s] of scoreBy(judged, (j) => sourceOf(j.found?.reason))) console.log(formatScore(`    ${source}`, s));
}

function misses(split: string, judged: readonly Judged[]): void {
  const wrong = judged.filter((j) => j.decision.lead !== j.decision.wanted);
  console.log(`\n${split}: ${wrong.length} holders decided wrongly (FP: classed business, not wanted; FN: wanted, not business)`);
  for (const j of wrong) {
    const kind = j.decision.lead ? 'FP' : 'FN';
    const got = j.found ? `${j.found.networkClass} (${j.found.reason})` : 'not in the artefact';
    console.log(`  ${kind} AS${j.holder.asn} ${j.holder.name} [${j.holder.stratum}, labelled ${j.holder.label}]: ${got}`);
  }
}

/**
 * Would a structural signal separate carriers and hosters from companies? Among the development holders that no
 * curated row, open list, brand or organisation decided (the ones rules must judge), each candidate signal is
 * counted against the labels: how many holders it would take away from `business` and how many of those are
 * wanted companies. The build uses only the last one (docs/classification.md, "Structural signals").
 */
function structureReport(judged: readonly Judged[], classes: ArtefactClasses): void {
  const structure = structureByAsn(classes);
  const ruled = judged.filter((j) => !/^(curated|open list|brand|organisation)/.test(j.found?.reason ?? ''));
  const candidates: ReadonlyArray<readonly [string, (s: Structure, j: Judged) => boolean]> = [
    ['any IPv6', (s) => s.ipv6Prefix !== undefined],
    ['IPv6 allocation /32 or larger (an LIR)', (s) => s.ipv6Prefix !== undefined && s.ipv6Prefix <= 32],
    ['8 or more IPv4 ranges', (s) => s.ipv4Ranges >= 8],
    ['16,384 or more IPv4 addresses', (s) => s.ipv4Addresses >= 16384],
    ['3+ ranges of 512 addresses or less on average', (s) => s.ipv4Ranges >= 3 && s.ipv4Addresses / s.ipv4Ranges <= 512],
    ['used: LIR-sized IPv6 and a small LACNIC/APNIC firm', (_s, j) => (j.found?.reason ?? '').startsWith('structure:')],
  ];
  const candidatesBase = ruled.filter((j) => j.found?.networkClass === 'business' || (j.found?.reason ?? '').startsWith('structure:'));
  console.log(`\nStructural signals on ${candidatesBase.length} development holders that rules (not curation, lists or brands) class business or that the structural rule took:`);
  console.log(`  ${'signal'.padEnd(52)}${'holders'.padStart(8)}${'companies'.padStart(11)}${'others'.padStart(8)}  share of companies`);
  const all = candidatesBase.filter((j) => j.holder.label === 'company').length;
  console.log(`  ${'(all of them)'.padEnd(52)}${String(candidatesBase.length).padStart(8)}${String(all).padStart(11)}${String(candidatesBase.length - all).padStart(8)}  ${((all / candidatesBase.length) * 100).toFixed(0)} %`);
  for (const [label, test] of candidates) {
    const hit = candidatesBase.filter((j) => test(structure.get(j.holder.asn)!, j));
    const companies = hit.filter((j) => j.holder.label === 'company').length;
    const share = hit.length === 0 ? 'n/a' : `${((companies / hit.length) * 100).toFixed(0)} %`;
    console.log(`  ${label.padEnd(52)}${String(hit.length).padStart(8)}${String(companies).padStart(11)}${String(hit.length - companies).padStart(8)}  ${share}`);
  }
}

/**
 * The share of companies in the probe's group and the rule PROTOCOL.md fixed before the labels were made: the group
 * becomes `business` only if that share is at least 2/3 with the lower end of its 95 % interval at least 1/2.
 */
function noCueProbe(file: string, title: string, classes: ArtefactClasses): void {
  const all = readLabels(file);
  const labels = all.filter((h) => h.stratum === 'no-cue-single-24');
  const judged = labels.filter((h) => h.label !== 'unclear');
  const companies = proportion(judged.filter((h) => h.label === 'company').length, judged.length);
  const met = companies.value >= 2 / 3 && companies.low >= 1 / 2;
  const byLabel = new Map<string, number>();
  for (const h of labels) byLabel.set(h.label, (byLabel.get(h.label) ?? 0) + 1);
  console.log(`\n${title}: ${labels.length} development holders left in hosting with no cue in their name and one /24 of IPv4`);
  console.log(`  labels: ${[...byLabel].map(([label, n]) => `${label} ${n}`).join(', ')}`);
  console.log(`  companies among those judged: ${formatProportion(companies)}; rule (>= 2/3, lower end >= 1/2): ${met ? 'met' : 'not met'}`);
  console.log(formatScore('  as classed now', score(judge(labels, classes).map((j) => j.decision))));
  const decoys = all.filter((h) => h.stratum !== 'no-cue-single-24');
  if (decoys.length > 0) console.log(formatScore(`  ${decoys.length} decoys`, score(judge(decoys, classes).map((j) => j.decision))));
}

/**
 * How far two careful readers agree, and the classifier on the holders they agree on. Reported beside the fixed
 * figures, never instead of them: the goal is decided on the first labels (PROTOCOL.md).
 */
function agreementReport(classes: ArtefactClasses): void {
  const present = SECOND_READINGS.filter((r) => existsSync(r.second));
  if (present.length === 0) return;
  console.log('\nAgreement between labellers: a second reading scored against the first (`unclear` in either left out)');
  const agreedByPart = present.map((r) => {
    const { secondAgainstFirst, kappa, agreed } = agreement(readLabels(r.first), readLabels(r.second));
    console.log(`${formatScore(`  ${r.name}`, secondAgainstFirst)} kappa ${kappa.toFixed(2)}`);
    return [r.name, agreed] as const;
  });
  console.log('The classifier on the holders both readings judge alike (a proposal, PROTOCOL.md; not the goal\'s measure)');
  for (const [name, agreed] of agreedByPart) console.log(formatScore(`  ${name}`, score(judge(agreed, classes).map((j) => j.decision))));
}

/** The proposed measure: the classifier against the majority of three readings, beside the fixed figures. */
function adjudicatedReport(classes: ArtefactClasses): void {
  if (!existsSync(HELDOUT_THIRD_READING) || HELDOUT_READINGS.some((r) => !existsSync(r.second))) return;
  const third = readLabels(HELDOUT_THIRD_READING);
  const thirdRead = new Set(third.map((h) => h.asn));
  console.log('\nHeld-out against adjudicated labels, the majority of three readings (a proposed measure; the goal is decided above)');
  const pooled = HELDOUT_READINGS.flatMap((r) => {
    const [first, second] = [readLabels(r.first), readLabels(r.second)];
    const missing = needsThirdReading(first, second).filter((h) => !thirdRead.has(h.asn));
    if (missing.length > 0) console.log(`  ${r.name}: ${missing.length} holders need a third reading and have none (${missing.map((h) => `AS${h.asn}`).join(', ')})`);
    const judged = judge(adjudicated(first, second, third), classes);
    console.log(formatScore(`  ${r.name}`, score(judged.map((j) => j.decision))));
    return judged;
  });
  console.log(formatScore('  both, pooled', score(pooled.map((j) => j.decision))));
}

function mix(classes: ArtefactClasses): void {
  const { holders, ipv4 } = classMix(classes);
  const totalHolders = Object.values(holders).reduce((a, b) => a + b, 0);
  const totalIpv4 = Object.values(ipv4).reduce((a, b) => a + b, 0);
  console.log(`\nClass mix over the whole table: ${totalHolders} holders (AS numbers), ${(totalIpv4 / 1e6).toFixed(0)} M announced IPv4 addresses`);
  console.log(`  ${'class'.padEnd(11)}${'holders'.padStart(9)}${'share'.padStart(9)}${'IPv4 share'.padStart(13)}`);
  for (const c of NETWORK_CLASSES) {
    const share = (n: number, total: number): string => `${((n / total) * 100).toFixed(1)} %`;
    console.log(`  ${c.padEnd(11)}${String(holders[c]).padStart(9)}${share(holders[c], totalHolders).padStart(9)}${share(ipv4[c], totalIpv4).padStart(13)}`);
  }
}

function main(): void {
  const { outDir } = buildIpData({ ifStale: true, log: () => undefined });
  const classes = loadArtefactClasses(outDir);
  console.log(`Classification evaluation on ${join(outDir, 'asn.bin')} (data/classification-eval/PROTOCOL.md)`);
  const heldout: Judged[] = [];
  const firstTwoHeldout: Judged[] = [];
  for (const split of SPLITS) {
    if (!existsSync(split.file)) {
      console.log(`\n${split.name}: not present (${split.file})`);
      continue;
    }
    const judged = judge(readLabels(split.file), classes);
    const development = !split.name.startsWith('heldout');
    if (!development) heldout.push(...judged);
    if (split.name === 'heldout' || split.name === 'heldout2') firstTwoHeldout.push(...judged);
    report(split.name, judged, development);
    if (development && process.argv.includes('--misses')) misses(split.name, judged);
    if (development && process.argv.includes('--structure')) structureReport(judged, classes);
  }
  // PROTOCOL.md, "Second held-out sample" and "Third held-out sample": the goal is decided on the held-out samples
  // together, all three once the third is labelled.
  const present = (name: string): boolean => existsSync(SPLITS.find((s) => s.name === name)!.file);
  if (present('heldout3')) {
    report('heldout, the first two samples pooled', firstTwoHeldout, false);
    report('heldout, all three samples pooled (decides the goal)', heldout, false);
  } else if (present('heldout2')) report('heldout, both samples pooled (decides the goal)', heldout, false);
  if (existsSync(NO_CUE_PROBE)) noCueProbe(NO_CUE_PROBE, 'No-cue probe', classes);
  if (existsSync(NO_CUE_MIXED)) noCueProbe(NO_CUE_MIXED, 'No-cue probe, mixed (among decoys)', classes);
  agreementReport(classes);
  adjudicatedReport(classes);
  mix(classes);
}

main();
