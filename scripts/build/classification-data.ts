/**
 * Reads the classification data at build time: the curated AS numbers, the name rules and brands, the given names
 * of the person rule (data/classification/), and the vendored open lists (data/asn-labels/). The Lambda never reads
 * any of it: the build stores each holder's class and reason in asn.bin.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassificationRules, PatternRule } from '../../functions/domain/ip-intel/classify';
import { NETWORK_CLASSES, type NetworkClass } from '../../functions/domain/ip-intel/types';
import { readCsv } from './csv';

export const CLASSIFICATION_DIR = join('data', 'classification');
export const OPEN_LISTS_DIR = join('data', 'asn-labels');
/** Every AS-number file of the curators: `*-asns.csv` (curated-asns.csv, top-holders-asns.csv, ...). */
const CURATED_SUFFIX = '-asns.csv';
const NAME_RULES_FILE = 'name-rules.json';
const GIVEN_NAMES_FILE = 'given-names.txt';
const X4B = join('x4bnet-lists-vpn', 'asn-labels.csv');
const BRIANHAMA = join('brianhama-bad-asn-list', 'asn-labels.csv');
/** Apple's published iCloud Private Relay egress ranges, as X4B keeps them. */
const PRIVATE_RELAY = join('x4bnet-lists-vpn', 'original', 'input', 'vpn', 'ips', 'apple.txt');

/** The files the build reads, relative to the repository root, for the artefact's staleness check. */
export function classificationInputs(repoRoot: string): string[] {
  const dir = join(repoRoot, CLASSIFICATION_DIR);
  const own = readdirSync(dir)
    .filter((f) => f.endsWith(CURATED_SUFFIX) || f === NAME_RULES_FILE || f === GIVEN_NAMES_FILE)
    .sort()
    .map((f) => join(CLASSIFICATION_DIR, f));
  return [...own, ...[X4B, BRIANHAMA, PRIVATE_RELAY].map((f) => join(OPEN_LISTS_DIR, f))];
}

function networkClass(value: string | undefined, where: string): NetworkClass {
  const found = NETWORK_CLASSES.find((c) => c === value);
  if (found === undefined) throw new Error(`${where}: unknown class "${value}"`);
  return found;
}

function readCurated(repoRoot: string): ClassificationRules['curated'] {
  const dir = join(repoRoot, CLASSIFICATION_DIR);
  const curated = new Map<number, { networkClass: NetworkClass; reason: string; organisation: string }>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(CURATED_SUFFIX)).sort()) {
    for (const row of readCsv(join(dir, file))) {
      const asn = Number(row.asn);
      const where = `${file}: AS${row.asn}`;
      if (!Number.isInteger(asn) || asn <= 0) throw new Error(`${where}: bad AS number`);
      if (curated.has(asn)) throw new Error(`${where}: curated twice; keep one row per AS number`);
      if (!row.reason) throw new Error(`${where}: every curated row needs a reason`);
      curated.set(asn, { networkClass: networkClass(row.class, where), reason: row.reason, organisation: row.organisation ?? '' });
    }
  }
  return curated;
}

function readOpenLists(repoRoot: string): Map<number, string> {
  const names = new Map<number, Set<string>>();
  const add = (file: string, listName: (label: string) => string): void => {
    for (const row of readCsv(join(repoRoot, OPEN_LISTS_DIR, file))) {
      const asn = Number(row.asn);
      if (!Number.isInteger(asn) || asn <= 0) throw new Error(`${file}: bad AS number ${row.asn}`);
      const set = names.get(asn) ?? new Set<string>();
      set.add(listName(row.label ?? ''));
      names.set(asn, set);
    }
  };
  add(X4B, (label) => (label === 'vpn' ? 'X4B VPN' : 'X4B datacenter'));
  add(BRIANHAMA, () => 'brianhama hosting');
  return new Map([...names].map(([asn, set]) => [asn, [...set].join(', ')]));
}

interface RuleGroup {
  id: string;
  class: string;
  patterns: string[];
}

function patternRules(groups: readonly RuleGroup[], where: string): PatternRule[] {
  return groups.map((g) => ({
    id: g.id,
    networkClass: networkClass(g.class, `${where} ${g.id}`),
    // One alternation per group: one pass over the name instead of one per pattern.
    pattern: new RegExp(g.patterns.join('|'), 'u'),
  }));
}

function readGivenNames(repoRoot: string): Set<string> {
  const text = readFileSync(join(repoRoot, CLASSIFICATION_DIR, GIVEN_NAMES_FILE), 'utf8');
  const names = text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .flatMap((line) => line.split(/\s+/))
    .filter((w) => w !== '');
  for (const name of names) if (!/^[a-z]+$/.test(name)) throw new Error(`${GIVEN_NAMES_FILE}: "${name}" is not folded`);
  return new Set(names);
}

export function loadClassificationRules(repoRoot: string): ClassificationRules {
  const file = join(repoRoot, CLASSIFICATION_DIR, NAME_RULES_FILE);
  const json = JSON.parse(readFileSync(file, 'utf8')) as { brands: RuleGroup[]; rules: RuleGroup[] };
  return {
    curated: readCurated(repoRoot),
    openLists: readOpenLists(repoRoot),
    brands: patternRules(json.brands, NAME_RULES_FILE),
    nameRules: patternRules(json.rules, NAME_RULES_FILE),
    givenNames: readGivenNames(repoRoot),
  };
}

/**
 * iCloud Private Relay egress as sorted, merged, inclusive IPv4 ranges [first, last], widened to whole /24s: the
 * pipeline only ever sees /24s, and the rest of a /24 that holds relay egress is CDN servers, which do not visit
 * websites. Whole /24s also keep such networks on the lookup's fast path (one span, not a split /24).
 */
export function loadPrivateRelayV4(repoRoot: string): Array<readonly [number, number]> {
  const file = join(repoRoot, OPEN_LISTS_DIR, PRIVATE_RELAY);
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  const ranges: Array<[number, number]> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const text = line.trim();
    if (text === '' || text.startsWith('#') || text.includes(':')) continue;
    const [address = '', bits = '32'] = text.split('/');
    const octets = address.split('.').map(Number);
    const prefix = Number(bits);
    if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)) || !(prefix >= 0 && prefix <= 32)) {
      throw new Error(`${PRIVATE_RELAY}: bad prefix "${text}"`);
    }
    const address32 = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
    const first = (address32 & prefixMask(prefix)) >>> 0;
    const last = first + 2 ** (32 - prefix) - 1;
    ranges.push([first - (first % 256), last - (last % 256) + 255]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [first, last] of ranges) {
    const previous = merged[merged.length - 1];
    if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else merged.push([first, last]);
  }
  return merged;
}

const prefixMask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
