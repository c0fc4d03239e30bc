/**
 * Matching a lead's organisation to an account of the customer's CRM: pure rules, no I/O (docs/crm.md, "Matching").
 *
 * 0. An account that carries the lead's Eirlead id (written by a push) is the lead's.
 * 1. Domain first: the lead's domain (a form domain or a configured override) against every domain of every
 *    account, after normalisation (scheme, `www.`, path, port, case, trailing dot, IDN), then its parent domains
 *    (`de.sap.com` finds `sap.com`). One account: matched. Several (duplicates in the CRM are common): the one whose
 *    name also matches, if exactly one does; else no match.
 * 2. Then the name: equal once accents, case, punctuation, spacing and legal forms (GmbH, B.V./BV, Inc., S.à r.l. …)
 *    are set aside, and no other account has that name. A weak name (too short, or only generic words such as
 *    "Group" or "Consulting") and a name whose account has domains none of which is the lead's are never matched.
 *
 * Ambiguous and weak candidates are not matched automatically: a wrong match shows a stranger as a customer and
 * sends visits into someone else's CRM record; a missed one is fixed by linking it by hand.
 */

export interface MatchableAccount {
  readonly accountId: string;
  readonly name: string;
  readonly domains: readonly string[];
  readonly externalId?: string;
}

export interface MatchableLead {
  readonly leadId?: string;
  readonly name: string;
  readonly domain?: string;
}

export type MatchOutcome =
  | { readonly matched: true; readonly accountId: string; readonly matchedBy: 'external-id' | 'domain' | 'name' }
  | { readonly matched: false; readonly reason: 'no-candidate' | 'ambiguous' | 'weak-name' | 'domain-conflict' };

/** Legal forms, as tokens after normalisation (dots removed, so "B.V." is `bv` and "S.à r.l." is `sarl`). */
const LEGAL_FORMS = new Set([
  // German-speaking countries
  'gmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ohg', 'ug', 'haftungsbeschrankt', 'ev', 'eg', 'gbr', 'gesmbh',
  // Benelux
  'bv', 'nv', 'vof', 'cv', 'bvba', 'cvba', 'sprl', 'scrl', 'srl', 'sa',
  // English-speaking countries
  'ltd', 'limited', 'plc', 'llc', 'llp', 'lp', 'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'pty', 'pte', 'lc',
  // Romance languages
  'sas', 'sasu', 'sarl', 'eurl', 'sl', 'slu', 'spa', 'sapa', 'srls', 'lda', 'ltda', 'sccl', 'sca', 'scs',
  // Nordic and central/eastern Europe
  'ab', 'publ', 'as', 'asa', 'aps', 'oy', 'oyj', 'hf', 'ehf', 'kft', 'zrt', 'nyrt', 'bt', 'sro', 'spzoo', 'doo', 'dd', 'ad', 'ead', 'ood', 'sia', 'uab', 'ou',
  'se', 'sce', 'kk', 'bhd', 'sdn', 'tbk', 'pt',
]);
/** Legal forms spelt as several tokens, each checked at the end of a name. */
const MULTI_TOKEN_FORMS: readonly (readonly string[])[] = [
  ['sp', 'z', 'oo'],
  ['s', 'a'],
  ['s', 'r', 'l'],
  ['b', 'v'],
  ['n', 'v'],
  ['co', 'kg'],
  ['sdn', 'bhd'],
];
/** Forms that precede the name: "AB Volvo", "PT Telkom", "OOO Yandex", "The Boots Company". */
const LEADING_FORMS = new Set(['the', 'ab', 'pt', 'ooo', 'oao', 'zao', 'pao', 'ao', 'tov', 'sc']);
/** Words that alone name nothing in particular. */
const GENERIC_WORDS = new Set([
  'and', 'group', 'gruppe', 'groep', 'holding', 'holdings', 'international', 'global', 'europe', 'european', 'services', 'service',
  'solutions', 'consulting', 'consultants', 'systems', 'technologies', 'technology', 'tech', 'software', 'it', 'digital', 'media',
  'partners', 'management', 'trading', 'industries', 'enterprises', 'capital', 'investments', 'ventures', 'labs', 'agency',
  'network', 'networks', 'data', 'online', 'web', 'marketing', 'design', 'engineering', 'logistics', 'bank', 'insurance',
]);
const MIN_NAME_KEY_LENGTH = 3;

const TRANSLITERATIONS: Record<string, string> = { ß: 'ss', ø: 'o', æ: 'ae', œ: 'oe', ł: 'l', đ: 'd', þ: 'th', ı: 'i' };

/** The name's tokens: accents and case set aside, "&" as "and", dots dropped, other punctuation as spaces. */
function nameTokens(name: string): string[] {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßøæœłđþı]/g, (letter) => TRANSLITERATIONS[letter] ?? letter)
    // German transliterations of umlauts (Mueller, Goetz, Baer) meet their folded spelling (Müller → muller).
    .replace(/([a-z])(ae|oe|ue)/g, (_, before: string, pair: string) => before + pair[0])
    .replace(/[&+]/g, ' and ')
    .replace(/\bund\b|\bet\b/g, ' and ')
    .replace(/['’`.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return folded === '' ? [] : folded.split(' ');
}

function stripLegalForms(tokens: string[]): string[] {
  const rest = [...tokens];
  while (rest.length > 0 && LEADING_FORMS.has(rest[0] ?? '') && rest.length > 1) rest.shift();
  for (let changed = true; changed && rest.length > 1; ) {
    changed = false;
    const last = rest[rest.length - 1] ?? '';
    if (LEGAL_FORMS.has(last) || last === 'and') {
      rest.pop();
      changed = true;
      continue;
    }
    for (const form of MULTI_TOKEN_FORMS) {
      if (rest.length > form.length && form.every((token, i) => rest[rest.length - form.length + i] === token)) {
        rest.splice(rest.length - form.length);
        changed = true;
        break;
      }
    }
  }
  return rest;
}

/**
 * The key names are compared by: the tokens without legal forms, joined without spaces, so "Coca-Cola" meets
 * "CocaCola" and "Pro Sieben" meets "ProSieben". Empty for a name of legal forms and punctuation only.
 */
export function nameKey(name: string): string {
  return stripLegalForms(nameTokens(name)).join('');
}

/** Whether a name is too short or too generic to match on its own. */
export function isWeakName(name: string): boolean {
  const tokens = stripLegalForms(nameTokens(name));
  const key = tokens.join('');
  return key.length < MIN_NAME_KEY_LENGTH || tokens.every((token) => GENERIC_WORDS.has(token) || /^\d+$/.test(token));
}

/** A host name from a domain, a host or a URL, lower case, without `www.`, port, path or trailing dot; IDN as punycode. */
export function normaliseDomain(input: string): string | undefined {
  const trimmed = input.trim();
  if (trimmed === '') return undefined;
  const url = URL.parse(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  if (!url) return undefined;
  const host = url.hostname.toLowerCase().replace(/\.$/, '').replace(/^www\d*\./, '');
  if (!/^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})+$/.test(host) || /^[\d.]+$/.test(host)) return undefined;
  return host;
}

/** Second-level labels under which a country's companies register (`acme.co.uk`): never a match on their own. */
const SHARED_SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'ltd', 'plc', 'ne', 'or', 'gv', 'go']);

/** The domain and its parents down to the registrable domain: `de.sap.com` → [`de.sap.com`, `sap.com`]. */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split('.');
  const last = labels.length - 1;
  const registrableLength = labels.length >= 3 && SHARED_SECOND_LEVEL.has(labels[last - 1] ?? '') && (labels[last] ?? '').length === 2 ? 3 : 2;
  const result: string[] = [];
  for (let start = 0; labels.length - start >= registrableLength; start++) result.push(labels.slice(start).join('.'));
  return result;
}

/** The accounts by normalised domain and by name key, built once per matching pass. */
export class AccountIndex {
  private readonly byDomain = new Map<string, string[]>();
  private readonly byName = new Map<string, string[]>();
  private readonly byExternalId = new Map<string, string[]>();
  private readonly accounts = new Map<string, { key: string; domains: Set<string> }>();

  constructor(accounts: Iterable<MatchableAccount>) {
    for (const account of accounts) {
      const domains = new Set(account.domains.map(normaliseDomain).filter((domain): domain is string => domain !== undefined));
      const key = nameKey(account.name);
      this.accounts.set(account.accountId, { key, domains });
      for (const domain of domains) push(this.byDomain, domain, account.accountId);
      if (key !== '') push(this.byName, key, account.accountId);
      if (account.externalId) push(this.byExternalId, account.externalId, account.accountId);
    }
  }

  get size(): number {
    return this.accounts.size;
  }

  match(lead: MatchableLead): MatchOutcome {
    const pushed = lead.leadId === undefined ? undefined : this.byExternalId.get(lead.leadId);
    if (pushed?.length === 1) return { matched: true, accountId: pushed[0] ?? '', matchedBy: 'external-id' };
    const key = nameKey(lead.name);
    const domain = lead.domain === undefined ? undefined : normaliseDomain(lead.domain);
    if (domain) {
      for (const candidate of domainAndParents(domain)) {
        const ids = this.byDomain.get(candidate);
        if (!ids) continue;
        if (ids.length === 1) return { matched: true, accountId: ids[0] ?? '', matchedBy: 'domain' };
        const named = ids.filter((id) => key !== '' && this.accounts.get(id)?.key === key);
        if (named.length === 1) return { matched: true, accountId: named[0] ?? '', matchedBy: 'domain' };
        return { matched: false, reason: 'ambiguous' };
      }
    }
    const ids = key === '' ? undefined : this.byName.get(key);
    if (!ids) return { matched: false, reason: 'no-candidate' };
    if (isWeakName(lead.name)) return { matched: false, reason: 'weak-name' };
    if (ids.length > 1) return { matched: false, reason: 'ambiguous' };
    const accountId = ids[0] ?? '';
    const accountDomains = this.accounts.get(accountId)?.domains ?? new Set<string>();
    // The names agree but the domains say these are different organisations (delta.com is not delta-faucet.com).
    if (domain && accountDomains.size > 0 && !domainAndParents(domain).some((candidate) => accountDomains.has(candidate))) {
      return { matched: false, reason: 'domain-conflict' };
    }
    return { matched: true, accountId, matchedBy: 'name' };
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else map.set(key, [value]);
}
