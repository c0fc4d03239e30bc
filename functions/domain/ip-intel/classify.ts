/**
 * Decides what kind of network an AS holder runs. Only `business` networks become leads: a visit from a carrier's
 * or a cloud's address says nothing about which company the visitor works for, and a person is not ours to profile.
 *
 * This runs at BUILD time (scripts/build/ipdata.ts), which stores each holder's class and reason in asn.bin; the
 * Lambda only reads them. The rules hold no data: curated AS numbers, open lists, brands, name patterns and given
 * names come from data/ (read by scripts/build/classification-data.ts), so a reviewer changes data, not code.
 *
 * Sources of evidence, most trusted first (TRUST; docs/classification.md says why this order):
 *   fact          reserved AS numbers, names that name no holder                              -> unknown
 *   range         an address range known to be something else than its holder (iCloud Private Relay egress),
 *                 applied per range by the compiler, not here
 *   curated       an AS number judged by hand (data/classification/*-asns.csv)
 *   open list     an AS number an open hosting/VPN list names (X4B, brianhama)                -> hosting
 *   brand         a carrier or cloud brand that spans many AS numbers (a curated name pattern)
 *   organisation  another AS number of the same organisation had more trusted evidence (organisation.ts)
 *   name rule     an internet registry's or a natural person's name (-> unknown), then the name patterns per
 *                 class, language and region
 *   structure     what the routing data says about the holder's address space (see structureRule); weaker than
 *                 a name, so it speaks only when no name rule did
 *   default       an organisation name no rule matched                                         -> business
 * The first source that has something to say decides; `reason` names it so a reviewer can check it.
 */
import { foldName, isPlaceholderName, isRegistryName, isReservedAsn } from './names';
import { isBarePersonalName, personRule } from './persons';
import type { NetworkClass } from './types';

export const TRUST = ['fact', 'range', 'curated', 'open list', 'brand', 'organisation', 'name rule', 'structure', 'default'] as const;
export type Trust = (typeof TRUST)[number];

export interface Evidence {
  readonly networkClass: NetworkClass;
  readonly trust: Trust;
  /** Starts with the source ("curated: ", "name rule carrier word: "), as NetworkMatch.reason shows it. */
  readonly reason: string;
}

export interface PatternRule {
  readonly id: string;
  readonly networkClass: NetworkClass;
  readonly pattern: RegExp;
}

export interface ClassificationRules {
  /** AS number -> class and why, judged by hand, and who the curator took the holder to be. */
  readonly curated: ReadonlyMap<number, { readonly networkClass: NetworkClass; readonly reason: string; readonly organisation: string }>;
  /** AS number -> the open lists that name it as hosting or VPN ("X4B datacenter", "brianhama hosting"). */
  readonly openLists: ReadonlyMap<number, string>;
  readonly brands: readonly PatternRule[];
  /** In order: the first rule whose pattern matches decides. */
  readonly nameRules: readonly PatternRule[];
  readonly givenNames: ReadonlySet<string>;
}

/** What the routing data says about a holder (all its ranges), for the structural rule. */
export interface HolderStructure {
  readonly ipv4Addresses: number;
  readonly ipv4Ranges: number;
  /** Prefix length of its largest IPv6 range; undefined when it announces no IPv6. */
  readonly ipv6Prefix: number | undefined;
  /** How many AS numbers share its organisation key (names.ts), itself included; unknown when absent. */
  readonly organisationAsns?: number;
}

export type Classifier = (asn: number, name: string, structure?: HolderStructure) => Evidence;

export function createClassifier(rules: ClassificationRules): Classifier {
  return (asn, name, structure) => classify(rules, asn, name, structure);
}

function classify(rules: ClassificationRules, asn: number, name: string, structure?: HolderStructure): Evidence {
  const folded = foldName(name);
  if (isReservedAsn(asn)) return { networkClass: 'unknown', trust: 'fact', reason: 'reserved or private AS number' };
  if (isPlaceholderName(folded)) return { networkClass: 'unknown', trust: 'fact', reason: 'no holder named in the data' };

  const curated = rules.curated.get(asn);
  if (curated) {
    // The match carries the registered name already; the curator's name is added only when it says more.
    const who = curated.organisation === '' || foldName(curated.organisation) === folded ? '' : ` (${curated.organisation})`;
    const evidence: Evidence = { networkClass: curated.networkClass, trust: 'curated', reason: `curated: ${curated.reason}${who}` };
    return isNoCueOfficeBlock(curated, structure) && byRules(rules, asn, folded, structure).trust === 'default' ? officeBlock(evidence) : evidence;
  }
  return byRules(rules, asn, folded, structure);
}

/**
 * A curated `hosting` row that says the name gives no cue ("no cue: LLC"), for a holder alone in its organisation
 * that holds one /24 of IPv4 and nothing else, and no IPv6: the shape of a company's own office block. The no-cue probe
 * (data/classification-eval/PROTOCOL.md) labelled 90 such development holders under a rule fixed before the labels:
 * 77 % [67–85] of those judged are companies. Only when no source after the curation (open lists, brands, registry,
 * person and name rules, structure) has anything to say either, so a person's or a listed network never turns
 * into a lead; not for a bare brand without a legal form ("no cue: bare brand"), nor with IPv6: a private person's
 * hobby network often holds just that, a /24 and a /48 (all three holders the probes labelled `person` had IPv6 or
 * no legal form; among 58 without IPv6, none); and only alone in its organisation, so one organisation's AS numbers
 * keep one class.
 */
function isNoCueOfficeBlock(curated: { readonly networkClass: NetworkClass; readonly reason: string }, structure: HolderStructure | undefined): boolean {
  return (
    curated.networkClass === 'hosting' &&
    curated.reason.startsWith('no cue') &&
    !curated.reason.startsWith('no cue: bare') &&
    structure?.ipv4Addresses === 256 &&
    structure.ipv4Ranges === 1 &&
    structure.ipv6Prefix === undefined &&
    structure.organisationAsns === 1
  );
}

const officeBlock = (curated: Evidence): Evidence => ({
  networkClass: 'business',
  trust: 'curated',
  reason: `structure: a neutral name with one /24 of its own and no IPv6, read as a company's office block; ${curated.reason}`,
});

/** Every source after the curated AS numbers. */
function byRules(rules: ClassificationRules, asn: number, folded: string, structure?: HolderStructure): Evidence {
  const lists = rules.openLists.get(asn);
  if (lists !== undefined) return { networkClass: 'hosting', trust: 'open list', reason: `open list: ${lists}` };

  const brand = firstMatch(rules.brands, folded);
  if (brand) return { networkClass: brand.rule.networkClass, trust: 'brand', reason: `brand: ${brand.rule.id} /${brand.text}/` };

  if (isRegistryName(folded)) {
    return { networkClass: 'unknown', trust: 'name rule', reason: 'name rule registry: an internet registry, not the user' };
  }
  const person = personRule(folded, rules);
  if (person) return { networkClass: 'unknown', trust: 'name rule', reason: `name rule person: ${person}` };
  const named = firstMatch(rules.nameRules, folded);
  if (named) {
    return { networkClass: named.rule.networkClass, trust: 'name rule', reason: `name rule ${named.rule.id}: /${named.text}/` };
  }
  if (isBarePersonalName(folded, rules)) {
    return { networkClass: 'unknown', trust: 'name rule', reason: 'name rule person: a bare personal name' };
  }
  const structural = structure && structureRule(structure, folded);
  if (structural) return structural;
  return { networkClass: 'business', trust: 'default', reason: "no rule matched: the organisation's own network" };
}

function firstMatch(rules: readonly PatternRule[], text: string): { rule: PatternRule; text: string } | undefined {
  for (const rule of rules) {
    const m = rule.pattern.exec(text);
    if (m) return { rule, text: m[0] };
  }
  return undefined;
}

/**
 * Legal forms of small firms in Latin America and Asia (Ltda, EIRELI, ME, EPP, S.A.C., E.I.R.L., S. de R.L.,
 * de C.V., Pvt Ltd, Sdn Bhd, Co., Ltd, Company Limited, PT): regions where LACNIC and APNIC give a /32 of IPv6
 * to ISPs (LIRs) and a /48 to an organisation's own network.
 */
const LACNIC_APNIC_SMALL_FIRM =
  /\b(ltda|eireli|me|epp|s\.? ?a\.? ?c|e\.? ?i\.? ?r\.? ?l|pvt\.? ?ltd|private limited|sdn\.? bhd|co\.?,? ?ltd|company limited|s\.? de r\.? ?l|de c\.? ?v)\b\.?\s*$|^p\.? ?t\.? /;

/**
 * Structural signals (docs/classification.md, "Structural signals", has the measurement on the development set).
 * Only one separates carriers from companies well enough to use: an IPv6 allocation of /32 or more held by a
 * small Latin-American or Asian firm. In the RIPE region many companies are LIRs with a /32 or /29 of their own,
 * so the same allocation says little there and is not used.
 */
function structureRule(structure: HolderStructure, folded: string): Evidence | undefined {
  if (structure.ipv6Prefix === undefined || structure.ipv6Prefix > 32) return undefined;
  if (!LACNIC_APNIC_SMALL_FIRM.test(folded)) return undefined;
  return {
    networkClass: 'isp',
    trust: 'structure',
    reason: `structure: an ISP's IPv6 allocation (/${structure.ipv6Prefix}) held by a small Latin-American or Asian firm`,
  };
}
