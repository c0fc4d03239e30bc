/**
 * `npm run bench:ip`: how fast the IP intelligence is, measured in this run and on this machine.
 *
 *   - lookups per second of `lookupOrganisation` (the string API the enrichment Lambda calls) against the `maxmind`
 *     package's Reader, on the same seeded random networks, IPv4 and IPv6, in the same process, after checking
 *     every answer of ours against a slow reference (see crossCheck);
 *   - size of asn.bin and its load time, `loadIpIntel` cold init, heap and RSS after load (fresh child processes);
 *   - the enrichment bundle, built with the local esbuild as lib/constructs/lambda-function.ts does, its size and
 *     the time its module takes to initialise in a fresh process.
 *
 * Writes build/bench-ip.json as well. No npm package writes MMDB files, so the maxmind side reads the DB-IP city
 * databases the Lambda ships for `locate()`; their records (country, region, city, coordinates) take longer to
 * decode than an ASN record would. The figures say so where they are printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { Reader, type Response } from 'maxmind';
import { DEFAULT_RETENTION, NO_IP_OVERRIDES } from '../../functions/contracts/deployment-config';
import { loadIpIntel, type IpIntelEngine, type NetworkMatch } from '../../functions/domain/ip-intel';
import { AsnTable, NO_RANGE, SPLIT } from '../../functions/domain/ip-intel/asn-table';
import { formatIPv4, formatIPv4Range, formatIPv6, formatIPv6Range, parseNetwork } from '../../functions/domain/ip-intel/cidr';
import { ASN_FILE, CITY_V4_FILE, CITY_V6_FILE } from '../../functions/domain/ip-intel/format';
import { buildIpData } from '../build/ipdata';

const ROOT = resolve(process.cwd());
const OUT_DIR = join(ROOT, 'build', 'bench-ip');
const RESULT_FILE = join(ROOT, 'build', 'bench-ip.json');
const SEED = 0x5eed_1b;
const V4_COUNT = 200_000;
const V6_COUNT = 100_000;
/** Share of networks drawn from space no range covers (an office behind a small, unannounced provider). */
const UNANNOUNCED_SHARE = 0.1;
/** Rounds of the head-to-head, and the timed passes over the sample each side makes per round (see headToHead). */
const ROUNDS = 5;
const OUR_PASSES = 3;
const MAXMIND_PASSES = 1;
const CHILD_RUNS = 7;

const GOALS = { ratioV4: 20, artefactLoadMs: 150, enrichmentInitMs: 250, artefactBytes: 15 * 1024 * 1024 } as const;

/** Mulberry32: small, fast and reproducible; good enough to scatter addresses. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sample {
  /** What lookupOrganisation gets: the truncated network, as the queue message carries it. */
  readonly networks: string[];
  /** What the maxmind Reader gets: the network's first address, as `locate()` passes it. */
  readonly addresses: string[];
  /** IPv4: first address; IPv6: upper and lower 32 bits of the upper half (for the numeric API). */
  readonly words: Uint32Array;
  /** Networks held whole by one range (the fast path), split between ranges, and unannounced. */
  readonly paths: { whole: number; split: number; none: number };
}

function sampleV4(table: AsnTable, random: () => number): Sample {
  const networks: string[] = [];
  const addresses: string[] = [];
  const words = new Uint32Array(V4_COUNT);
  const paths = { whole: 0, split: 0, none: 0 };
  const { v4 } = table.counts;
  for (let k = 0; k < V4_COUNT; k++) {
    let first: number;
    if (random() < UNANNOUNCED_SHARE) {
      do first = Math.floor(random() * 2 ** 24) * 256;
      while (table.coveringV4(first, first + 255) !== NO_RANGE);
    } else {
      // A range chosen uniformly (so small ranges count as much as large ones), an address inside it.
      const range = table.rangeV4(Math.floor(random() * v4));
      const address = range.first + Math.floor(random() * (range.last - range.first + 1));
      first = address - (address % 256);
    }
    const i = table.coveringV4(first, first + 255);
    if (i >= 0) paths.whole++;
    else if (i === SPLIT) paths.split++;
    else paths.none++;
    words[k] = first;
    addresses.push(formatIPv4(first));
    networks.push(`${formatIPv4(first)}/24`);
  }
  return flat({ networks, addresses, words, paths });
}

/**
 * The Lambda gets its networks from JSON.parse of the SQS body, which makes flat strings; strings glued together
 * here would be V8 rope strings, slower to read character by character. Both sides get the flat kind.
 */
function flat(sample: Sample): Sample {
  const parse = (strings: string[]): string[] => JSON.parse(JSON.stringify(strings)) as string[];
  return { ...sample, networks: parse(sample.networks), addresses: parse(sample.addresses) };
}

function sampleV6(table: AsnTable, random: () => number): Sample {
  const networks: string[] = [];
  const addresses: string[] = [];
  const words = new Uint32Array(V6_COUNT * 2);
  const paths = { whole: 0, split: 0, none: 0 };
  const { v6 } = table.counts;
  const word = (): bigint => BigInt(Math.floor(random() * 2 ** 32));
  for (let k = 0; k < V6_COUNT; k++) {
    let upper: bigint;
    if (random() < UNANNOUNCED_SHARE) {
      // Inside 2000::/3, where all global unicast space is.
      do upper = ((0x2000_0000n | (word() & 0x1fff_ffffn)) << 32n) | (word() & 0xffff_0000n);
      while (table.coveringV6(Number(upper >> 32n), Number(upper & 0xffff_ffffn), Number(upper >> 32n), (Number(upper & 0xffff_ffffn) | 0xffff) >>> 0) !== NO_RANGE);
    } else {
      const range = table.rangeV6(Math.floor(random() * v6));
      const offset = ((word() << 32n) | word()) % (range.last - range.first + 1n);
      upper = (range.first + offset) & ~0xffffn;
    }
    const hi = Number(upper >> 32n);
    const lo = Number(upper & 0xffff_ffffn);
    const i = table.coveringV6(hi, lo, hi, (lo | 0xffff) >>> 0);
    if (i >= 0) paths.whole++;
    else if (i === SPLIT) paths.split++;
    else paths.none++;
    words[2 * k] = hi;
    words[2 * k + 1] = lo;
    addresses.push(formatIPv6(upper, 0n));
    networks.push(`${formatIPv6(upper, 0n)}/48`);
  }
  return flat({ networks, addresses, words, paths });
}

/** Lookups per second over `n` items, median of `rounds` passes; `found` keeps the results alive. */
function measure(rounds: number, n: number, pass: () => number): { perSecond: number; found: number } {
  const rates: number[] = [];
  let found = 0;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    found = pass();
    rates.push(n / ((performance.now() - started) / 1000));
  }
  return { perSecond: median(rates), found };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** A pass over the whole sample; returns how many items got an answer (which keeps the results alive). */
type Pass = () => number;

interface HeadToHead {
  ours: number;
  maxmind: number;
  /** Median of the per-round ratios, and their spread. */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
  oursFound: number;
  maxmindFound: number;
}

/**
 * Both readers timed in alternation, each in its steady state. A round makes an untimed pass of ours over the sample
 * and then OUR_PASSES timed ones, then the same for maxmind with MAXMIND_PASSES, and the round's ratio compares the
 * two sides' time per lookup.
 *   - Alternation: this machine is shared (other builds and test runs come and go), and timing all of one side's
 *     passes and then all of the other's let a burst of load fall on one side only.
 *   - The untimed pass: without it each side would start with caches the other side had just filled, a handicap of
 *     taking turns that neither reader has in service (nor had in this benchmark's earlier form, which timed each
 *     side's passes back to back).
 *   - Several passes of ours: one takes well under 100 ms, short enough for a single preemption to skew it.
 */
function headToHead(rounds: number, n: number, ours: Pass, maxmind: Pass): HeadToHead {
  const oursRates: number[] = [];
  const maxmindRates: number[] = [];
  const ratios: number[] = [];
  let oursFound = 0;
  let maxmindFound = 0;
  /** Lookups per second over `passes` timed passes after an untimed one. */
  const steady = (pass: Pass, passes: number): { perSecond: number; found: number } => {
    pass();
    let found = 0;
    const started = performance.now();
    for (let p = 0; p < passes; p++) found = pass();
    return { perSecond: (passes * n) / ((performance.now() - started) / 1000), found };
  };
  for (let r = 0; r < rounds; r++) {
    const o = steady(ours, OUR_PASSES);
    const m = steady(maxmind, MAXMIND_PASSES);
    oursFound = o.found;
    maxmindFound = m.found;
    oursRates.push(o.perSecond);
    maxmindRates.push(m.perSecond);
    ratios.push(o.perSecond / m.perSecond);
  }
  return {
    ours: median(oursRates),
    maxmind: median(maxmindRates),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    oursFound,
    maxmindFound,
  };
}

interface Throughput extends HeadToHead {
  oursNumeric: number;
  oursLocate: number;
  paths: Sample['paths'];
  /** Networks whose answer was checked against the slow reference, all of them. */
  checked: number;
  /** Networks whose country from locate() was checked against maxmind's record for the address. */
  locateChecked: number;
  located: number;
}

/**
 * The slow reference for one network: the general parser (regular expressions) and the general range walk, none
 * of the code the fast path uses (parseNetworkInto, spanV4, coveringV6, the match caches).
 */
function referenceAnswer(table: AsnTable, network: string): string | undefined {
  const query = parseNetwork(network);
  const hit = query.family === 4 ? table.lookupV4(query.first, query.last) : table.lookupV6(query.first, query.last);
  if (hit === undefined) return undefined;
  const range =
    typeof hit.first === 'bigint' && typeof hit.last === 'bigint'
      ? formatIPv6Range(hit.first, hit.last)
      : formatIPv4Range(Number(hit.first), Number(hit.last));
  return `${hit.asn} ${hit.name} ${range} ${hit.coversAll ? 'whole' : 'part'}`;
}

const answerOf = (match: NetworkMatch | undefined): string | undefined =>
  match && `${match.asn} ${match.name} ${match.network} ${match.confidence === 'low' ? 'part' : 'whole'}`;

/**
 * Before anything is timed: every network's answer from lookupOrganisation must equal the slow reference's, and
 * both readers must be asked about the same addresses (the maxmind address is the network's first address, and
 * `locate()` of the network, which reads the same MMDB, gives the country maxmind's record has).
 */
function crossCheck(
  intel: IpIntelEngine,
  table: AsnTable,
  reader: Reader<Response>,
  family: 4 | 6,
  sample: Sample,
): { checked: number; locateChecked: number } {
  const { networks, addresses } = sample;
  const prefix = family === 4 ? 24 : 48;
  for (let k = 0; k < networks.length; k++) {
    const network = networks[k] ?? '';
    if (network !== `${addresses[k]}/${prefix}`) throw new Error(`IPv${family}: item ${k} differs between the two readers`);
    const ours = answerOf(intel.lookupOrganisation(network));
    const reference = referenceAnswer(table, network);
    if (ours !== reference) {
      throw new Error(`IPv${family}: ${network}: lookupOrganisation says ${ours ?? 'nothing'}, the slow reference ${reference ?? 'nothing'}`);
    }
  }
  let locateChecked = 0;
  for (let k = 0; k < networks.length; k += 97) {
    const record = reader.get(addresses[k] ?? '') as { country_code?: string } | null;
    const expected = record?.country_code?.toUpperCase() ?? 'ZZ';
    const country = intel.locate(networks[k] ?? '').country;
    if (country !== expected) throw new Error(`IPv${family}: ${networks[k]}: locate() says ${country}, maxmind ${expected}`);
    locateChecked++;
  }
  return { checked: networks.length, locateChecked };
}

function throughput(dataDir: string, table: AsnTable, family: 4 | 6, sample: Sample): Throughput {
  const intel = loadIpIntel(dataDir);
  const reader = new Reader<Response>(readFileSync(join(dataDir, family === 4 ? CITY_V4_FILE : CITY_V6_FILE)));
  const { networks, addresses, words } = sample;
  const n = networks.length;
  const ours: Pass = () => {
    let found = 0;
    for (let k = 0; k < n; k++) if (intel.lookupOrganisation(networks[k] ?? '') !== undefined) found++;
    return found;
  };
  const maxmind: Pass = () => {
    let found = 0;
    for (let k = 0; k < n; k++) if (reader.get(addresses[k] ?? '') !== null) found++;
    return found;
  };
  const numeric =
    family === 4
      ? (): number => {
          let found = 0;
          for (let k = 0; k < n; k++) if (intel.lookupIPv4Network(words[k] ?? 0, 24) !== undefined) found++;
          return found;
        }
      : (): number => {
          let found = 0;
          for (let k = 0; k < n; k++) {
            if (intel.lookupIPv6Network(words[2 * k] ?? 0, words[2 * k + 1] ?? 0, 48) !== undefined) found++;
          }
          return found;
        };
  const locate = (): number => {
    let found = 0;
    for (let k = 0; k < n; k++) if (intel.locate(networks[k] ?? '').country !== 'ZZ') found++;
    return found;
  };
  const { checked, locateChecked } = crossCheck(intel, table, reader, family, sample);
  // Warm-up (the head-to-head warms its two sides itself): the cross-check already built the lazy indexes and the
  // per-range matches; the JIT settles on the other two.
  numeric();
  for (let k = 0; k < 20_000; k++) intel.locate(networks[k] ?? '');
  const h = headToHead(ROUNDS, n, ours, maxmind);
  const on = measure(ROUNDS, n, numeric);
  const l = measure(1, n, locate);
  if (on.found !== h.oursFound) throw new Error(`IPv${family}: the numeric and string APIs disagree (${on.found} vs ${h.oursFound})`);
  return { ...h, oursNumeric: on.perSecond, oursLocate: l.perSecond, paths: sample.paths, checked, locateChecked, located: l.found };
}

// ---------------------------------------------------------------------------------------------------------------
// Bundles and fresh processes

/** The bundling options of lib/constructs/lambda-function.ts (NodejsFunction passes the same flags to esbuild). */
const LAMBDA_BUNDLING: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: [],
  logLevel: 'silent',
};

/** Child-process probe: times loading in a process that has loaded nothing else, prints one JSON line. */
const PROBE_SOURCE = `
import { readFileSync } from 'node:fs';
import { AsnTable } from '${ROOT}/functions/domain/ip-intel/asn-table';
import { loadIpIntel } from '${ROOT}/functions/domain/ip-intel';
const [mode, dir] = process.argv.slice(2);
const t0 = performance.now();
if (mode === 'artefact') {
  const table = new AsnTable(readFileSync(dir + '/${ASN_FILE}'));
  const loaded = performance.now();
  // The first lookup of each family builds its lazy search indexes.
  table.spanV4(0x08080800, 0x080808ff);
  table.coveringV4(0x08080800, 0x080808ff);
  table.coveringV6(0x20010db8, 0, 0x20010db8, 0xffff);
  const ready = performance.now();
  console.log(JSON.stringify({ loadMs: loaded - t0, readyMs: ready - t0 }));
} else {
  const intel = loadIpIntel(dir);
  const loaded = performance.now();
  intel.lookupOrganisation('192.0.2.0/24');
  intel.lookupOrganisation('2001:db8::/48');
  intel.locate('192.0.2.0/24');
  const ready = performance.now();
  globalThis.gc?.();
  const m = process.memoryUsage();
  console.log(JSON.stringify({ loadMs: loaded - t0, readyMs: ready - t0, rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external }));
}
`;

const INIT_SOURCE = `
import { pathToFileURL } from 'node:url';
const t0 = performance.now();
await import(pathToFileURL(process.argv[1]).href);
const t1 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, sinceProcessStartMs: t1, rss: process.memoryUsage().rss }));
`;

async function bundle(): Promise<{ handler: string; handlerBytes: number; mapBytes: number; probe: string }> {
  mkdirSync(OUT_DIR, { recursive: true });
  const handler = join(OUT_DIR, 'enrichment', 'index.mjs');
  await build({ ...LAMBDA_BUNDLING, entryPoints: [join(ROOT, 'functions', 'enrichment', 'handler.ts')], outfile: handler });
  const probe = join(OUT_DIR, 'load-probe.mjs');
  await build({
    ...LAMBDA_BUNDLING,
    sourcemap: false,
    stdin: { contents: PROBE_SOURCE, resolveDir: ROOT, sourcefile: 'load-probe.ts', loader: 'ts' },
    outfile: probe,
  });
  return { handler, handlerBytes: statSync(handler).size, mapBytes: statSync(`${handler}.map`).size, probe };
}

function runChild(args: string[], env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const child = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`child process failed (${child.status}): ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return JSON.parse(line) as Record<string, number>;
}

/** Median of each field over CHILD_RUNS fresh processes. */
function medianOfRuns(args: string[], env?: NodeJS.ProcessEnv): Record<string, number> {
  const runs = Array.from({ length: CHILD_RUNS }, () => runChild(args, env));
  const keys = Object.keys(runs[0] ?? {});
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k] ?? NaN))]));
}

// ---------------------------------------------------------------------------------------------------------------
// Report

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

async function main(): Promise<void> {
  const started = performance.now();
  const { outDir: dataDir } = buildIpData({ ifStale: true, log: (line) => console.error(line) });
  const artefactBytes = statSync(join(dataDir, ASN_FILE)).size;
  const cityBytes = statSync(join(dataDir, CITY_V4_FILE)).size + statSync(join(dataDir, CITY_V6_FILE)).size;

  console.error('bench: bundling the enrichment handler ...');
  const bundled = await bundle();

  console.error('bench: loading in fresh processes ...');
  const artefact = medianOfRuns([bundled.probe, 'artefact', dataDir]);
  const init = medianOfRuns(['--expose-gc', bundled.probe, 'init', dataDir]);
  let enrichment: Record<string, number> | { error: string };
  try {
    enrichment = medianOfRuns(['--input-type=module', '-e', INIT_SOURCE, bundled.handler], {
      ...process.env,
      // As the Lambda has them (lib/constructs/enrichment.ts, lambda-function.ts); nothing here calls AWS.
      NODE_OPTIONS: '--enable-source-maps',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_SERVICE_NAME: 'eirlead-enrichment',
      IP_DATA_DIR: dataDir,
      TABLE_NAME: 'bench',
      RETENTION: JSON.stringify(DEFAULT_RETENTION),
      SITES: JSON.stringify([{ siteId: 'bench', allowedOrigins: ['https://bench.example'] }]),
      IP_OVERRIDES: JSON.stringify(NO_IP_OVERRIDES),
    });
  } catch (err) {
    enrichment = { error: err instanceof Error ? err.message : String(err) };
  }

  console.error(`bench: ${V4_COUNT} IPv4 /24s and ${V6_COUNT} IPv6 /48s (seed ${SEED}) ...`);
  const table4 = new AsnTable(readFileSync(join(dataDir, ASN_FILE)));
  const random = prng(SEED);
  const v4 = throughput(dataDir, table4, 4, sampleV4(table4, random));
  const v6 = throughput(dataDir, table4, 6, sampleV6(table4, random));

  const initMs = 'importMs' in enrichment ? enrichment.importMs : undefined;
  const goals = {
    ratioV4: v4.ratio >= GOALS.ratioV4,
    artefactLoad: (artefact.readyMs ?? Infinity) <= GOALS.artefactLoadMs,
    enrichmentInit: initMs !== undefined && initMs <= GOALS.enrichmentInitMs,
    artefactSize: artefactBytes <= GOALS.artefactBytes,
  };
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
    `Loading: median of ${CHILD_RUNS} fresh node processes each; the files are in the OS page cache (warm), the process is cold.`,
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
  console.log(out.join('\n'));

  const result = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    arch: process.arch,
    seed: SEED,
    comparison: 'maxmind Reader (no cache) on the DB-IP city MMDB of the same family; no ASN MMDB exists on npm',
    lookups: { ipv4: { networks: V4_COUNT, ...v4 }, ipv6: { networks: V6_COUNT, ...v6 } },
    artefact: { bytes: artefactBytes, cityMmdbBytes: cityBytes, loadMs: artefact.loadMs, loadAndFirstLookupsMs: artefact.readyMs },
    loadIpIntel: init,
    enrichment: { bundleBytes: bundled.handlerBytes, sourceMapBytes: bundled.mapBytes, ...enrichment },
    loadMethod: `median of ${CHILD_RUNS} fresh processes, files in the OS page cache`,
    goals: { targets: GOALS, met: goals },
  };
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.error(`bench: results written to ${RESULT_FILE}`);
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
