/**
 * `npm run eval:classification`: how well the built artefact's classes pick the organisations a sales team wants,
 * on the hand-labelled evaluation set (data/classification-eval/, PROTOCOL.md).
 *
 * Prints, for the development part and for the held-out part (when labels-heldout.csv exists): precision (wanted
 * among holders classed `business`) and recall (classed `business` among wanted) with Wilson 95 % intervals and
 * counts, pooled and per stratum, `unclear` left out; for the development part also by the source that decided
 * the class (rows decided by a curated row are not an independent test of the rules). Then the class mix over the
 * whole table: holders per class, and the share of announced IPv4 address space per class (the mix a visit drawn
 * uniformly from announced addresses would see).
 *
 *   npm run eval:classification                  figures
 *   npm run eval:classification -- --misses      also list the development holders decided wrongly
 * The classes are read from build/ipdata/asn.bin as the Lambda reads them (rebuilt first when stale).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NETWORK_CLASSES } from '../../functions/domain/ip-intel/types';
import { buildIpData } from '../build/ipdata';
import { classMix, judge, loadArtefactClasses, scoreBy, sourceOf, type ArtefactClasses, type Judged } from './holders';
import { formatScore, readLabels, score } from './metrics';

const ROOT = resolve(process.cwd());
const EVAL_DIR = join(ROOT, 'data', 'classification-eval');
export const SPLITS = [
  { name: 'dev', file: join(EVAL_DIR, 'labels-dev.csv') },
  { name: 'heldout', file: join(EVAL_DIR, 'labels-heldout.csv') },
] as const;
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

function misses(judged: readonly Judged[]): void {
  const wrong = judged.filter((j) => j.decision.lead !== j.decision.wanted);
  console.log(`\ndev: ${wrong.length} holders decided wrongly (FP: classed business, not wanted; FN: wanted, not business)`);
  for (const j of wrong) {
    const kind = j.decision.lead ? 'FP' : 'FN';
    const got = j.found ? `${j.found.networkClass} (${j.found.reason})` : 'not in the artefact';
    console.log(`  ${kind} AS${j.holder.asn} ${j.holder.name} [${j.holder.stratum}, labelled ${j.holder.label}]: ${got}`);
  }
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
  for (const split of SPLITS) {
    if (!existsSync(split.file)) {
      console.log(`\n${split.name}: not present (${split.file})`);
      continue;
    }
    const judged = judge(readLabels(split.file), classes);
    report(split.name, judged, split.name === 'dev');
    if (split.name === 'dev' && process.argv.includes('--misses')) misses(judged);
  }
  mix(classes);
}

main();
