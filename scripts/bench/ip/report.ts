/** What `npm run bench:ip` prints, and the goals its figures are held to. */
import { CHILD_RUNS, type Bundled, type ChildFigures, type EnrichmentInit } from './cold-init';
import { V4_COUNT, V6_COUNT, type Sample } from './sample';
import type { Throughput } from './throughput';
import { MAXMIND_PASSES, OUR_PASSES, ROUNDS } from './timing';

export const GOALS = { ratioV4: 20, artefactLoadMs: 150, enrichmentInitMs: 250, artefactBytes: 15 * 1024 * 1024 } as const;

export interface GoalsMet {
  ratioV4: boolean;
  artefactLoad: boolean;
  enrichmentInit: boolean;
  artefactSize: boolean;
}

export function goalsMet(v4: Throughput, artefact: ChildFigures, enrichment: EnrichmentInit, artefactBytes: number): GoalsMet {
  const initMs = 'importMs' in enrichment ? enrichment.importMs : undefined;
  return {
    ratioV4: v4.ratio >= GOALS.ratioV4,
    artefactLoad: (artefact.readyMs ?? Infinity) <= GOALS.artefactLoadMs,
    enrichmentInit: initMs !== undefined && initMs <= GOALS.enrichmentInitMs,
    artefactSize: artefactBytes <= GOALS.artefactBytes,
  };
}

export interface IpBenchFigures {
  /** When the benchmark started (performance.now()), for its running time. */
  readonly started: number;
  /** The version of the node the fresh processes ran (cold-init.ts `CHILD_NODE`). */
  readonly childNode: string;
  readonly artefactBytes: number;
  readonly cityBytes: number;
  readonly bundled: Bundled;
  readonly artefact: ChildFigures;
  readonly init: ChildFigures;
  readonly enrichment: EnrichmentInit;
  readonly v4: Throughput;
  readonly v6: Throughput;
  readonly goals: GoalsMet;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} kB`;
const rate = (perSecond: number): string =>
  perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : `${(perSecond / 1e3).toFixed(0)} k/s`;
const ms = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`);
const mark = (ok: boolean): string => (ok ? '✓' : '✗');

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function report({ started, childNode, artefactBytes, cityBytes, bundled, artefact, init, enrichment, v4, v6, goals }: IpBenchFigures): string {
  const spread = (t: Throughput): string => `${t.ratioMin.toFixed(1)}-${t.ratioMax.toFixed(1)}x`;
  const answered = (t: Throughput): string =>
    `answered: ours ${t.oursFound} (an organisation), maxmind ${t.maxmindFound} (a city record); ${t.located} located`;
  const share = (p: Sample['paths']): string =>
    `${p.whole} whole / ${p.split} split / ${p.none} unannounced`;

  const out = [
    `Eirlead IP intelligence benchmark (Node ${process.version}, ${process.arch}; measured in this run)`,
    '',
    `Lookups per second, same seeded networks for both sides: ${ROUNDS} rounds, each timing ${OUR_PASSES} passes of ours, then`,
    `  ${MAXMIND_PASSES} of maxmind, each side after an untimed pass of its own; medians, ratio = median of the rounds' ratios.`,
    'ours = lookupOrganisation(network string), the API the enrichment Lambda calls, result classified;',
    'maxmind = maxmind Reader.get(first address), no cache, on the DB-IP *city* MMDB of the same family',
    '  (no npm package writes MMDB files, so there is no ASN MMDB to compare with; a city record is heavier',
    '  to decode than an ASN record would be, which flatters the ratio).',
    '',
    table([
      ['family', 'networks', 'ours', 'maxmind', 'ratio', 'rounds', 'ours numeric', 'ours locate()', 'goal'],
      ['IPv4 /24', String(V4_COUNT), rate(v4.ours), rate(v4.maxmind), `${v4.ratio.toFixed(1)}x`, spread(v4), rate(v4.oursNumeric), rate(v4.oursLocate), `>= ${GOALS.ratioV4}x ${mark(goals.ratioV4)}`],
      ['IPv6 /48', String(V6_COUNT), rate(v6.ours), rate(v6.maxmind), `${v6.ratio.toFixed(1)}x`, spread(v6), rate(v6.oursNumeric), rate(v6.oursLocate), ''],
    ]),
    '',
    `IPv4 networks: ${share(v4.paths)}; ${answered(v4)}`,
    `IPv6 networks: ${share(v6.paths)}; ${answered(v6)}`,
    `Checked before timing: all ${v4.checked} IPv4 and ${v6.checked} IPv6 answers equal the slow reference (general parser`,
    `  and range walk); maxmind got each network's first address, and locate() agreed with its country on`,
    `  ${v4.locateChecked + v6.locateChecked} of them.`,
    '',
    `Loading: median of ${CHILD_RUNS} fresh node processes each (Node ${childNode}${childNode === process.version ? '' : ', BENCH_NODE'}); the files are in the OS page cache (warm), the process is cold.`,
    '',
    table([
      ['figure', 'value', 'goal'],
      ['artefact asn.bin size', mb(artefactBytes), `<= ${mb(GOALS.artefactBytes)} ${mark(goals.artefactSize)}`],
      ['city MMDBs shipped beside it (location)', mb(cityBytes), ''],
      ['artefact load (read + views)', ms(artefact.loadMs), ''],
      ['artefact load + first IPv4 and IPv6 lookup (lazy indexes)', ms(artefact.readyMs), `<= ${GOALS.artefactLoadMs} ms ${mark(goals.artefactLoad)}`],
      ['loadIpIntel cold init (asn.bin; city MMDBs open on first locate)', ms(init.loadMs), ''],
      ['loadIpIntel + first lookup of each family + first locate()', ms(init.readyMs), ''],
      ['  RSS / heap used / array buffers after that', `${mb(init.rss ?? NaN)} / ${mb(init.heapUsed ?? NaN)} / ${mb(init.arrayBuffers ?? NaN)}`, ''],
      ['enrichment bundle index.mjs (ESM, minified, AWS SDK bundled)', kb(bundled.handlerBytes), ''],
      ['  its source map', kb(bundled.mapBytes), ''],
      [
        'enrichment cold init (import of the bundle, --enable-source-maps)',
        'error' in enrichment ? `not measured: ${enrichment.error}` : ms(enrichment.importMs),
        `<= ${GOALS.enrichmentInitMs} ms ${mark(goals.enrichmentInit)}`,
      ],
      ['  node start to handler ready', 'error' in enrichment ? 'n/a' : ms(enrichment.sinceProcessStartMs), ''],
    ]),
    '',
    `Benchmark took ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  ];
  return out.join('\n');
}
