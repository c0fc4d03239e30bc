/**
 * Holder names as the registries give them, made comparable: one spelling for the rules to read, one key per
 * organisation, and the few facts a name alone settles (no holder named, a registry, a natural person).
 */

/** A few registries prefix the holder's name with its AS number ("AS263588 - INSTITUTO ..."). */
const AS_PREFIX = /^AS\d+\s*-\s*/i;

/**
 * Lower case, accents and ligatures folded to ASCII letters ("Télécom" -> "telecom", "Müller" -> "muller"), the AS
 * number prefix dropped and runs of white space made one space. Punctuation stays: rules read "s.a." and "at&t".
 */
export function foldName(name: string): string {
  return name
    .replace(AS_PREFIX, '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[æ]/gi, 'ae')
    .replace(/[øØ]/g, 'o')
    .replace(/[łŁ]/g, 'l')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Legal forms and the words that only say "company", as whole tokens after punctuation became spaces. */
const LEGAL_FORMS = new Set(
  (
    'ltd limited llc l l c inc incorporated corp corporation co company cia plc llp lp gmbh mbh ag kg kgaa ohg ug ev ' +
    'e v se sa s a sas sasu sarl s a r l srl s r l spa s p a sl s l slu bv b v nv n v ab oy oyj as a s asa aps ' +
    'a s d o o doo d d dd s r o sro a s spol sp z o o zoo s c sc kft zrt nyrt rt bt ehf hf jsc ojsc pjsc cjsc ao ' +
    'pao zao oao ooo tov pp pt tbk persero cv sdn bhd berhad pte pvt private pty ltda me epp eireli s c ltda de ' +
    'cv sapi srl ltd kk k k gk yk tic ve san as the group holding holdings'
  ).split(' '),
);
/** Legal forms some registries put first ("PT Telkom", "OOO Example", "The Example Company"). */
const LEADING_FORMS = new Set('pt ooo tov llc jsc ojsc pjsc cjsc zao oao ao pao pp chp the'.split(' '));

/**
 * The organisation a name stands for, so that its AS numbers can share one class. Folded, "&" read as "and",
 * punctuation dropped, legal forms dropped at the end (and the few that registries put first), the rest glued
 * into one word so that spacing and hyphens do not split one organisation ("Deutsche Telekom AG",
 * "DEUTSCHE-TELEKOM" and "Deutsche Telekom" share "deutschetelekom").
 *
 * A short or one-word remainder ("Infinity", "Informatica", "S-NET") is too common to name one organisation
 * across countries: such names share a key only when they are the same registered name ("=" + the folded name).
 * Empty for names that are nothing but legal forms (never grouped).
 */
export function organisationKey(name: string): string {
  const all = foldName(name)
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t !== '');
  const tokens = [...all];
  // Two-word legal forms ("sp z o o", "co ltd", "pty ltd") are several tokens; strip token by token.
  while (tokens.length > 1 && LEGAL_FORMS.has(tokens[tokens.length - 1]!)) tokens.pop();
  while (tokens.length > 1 && LEADING_FORMS.has(tokens[0]!)) tokens.shift();
  const key = tokens.join('');
  if (key === '' || LEGAL_FORMS.has(key)) return '';
  return tokens.length >= 2 && key.length >= 8 ? key : `=${all.join(' ')}`;
}

/** Reserved AS numbers: 0, AS_TRANS, documentation, private use (RFC 6996, RFC 5398, RFC 7300). */
export function isReservedAsn(asn: number): boolean {
  return asn === 0 || asn === 23456 || (asn >= 64496 && asn <= 131071) || asn >= 4200000000;
}

/** Names that name no holder: empty, only an AS number, or a registry's stand-in for one. */
const PLACEHOLDER =
  /^(as\d*|-*reserved as-*|reserved|n\/?a|none|null|unknown|not available|private( use)?|unallocated|-+|\?+|\.+)$/;

export function isPlaceholderName(folded: string): boolean {
  return PLACEHOLDER.test(folded.replace(/[()[\]]/g, '').trim());
}

/** The regional and national internet registries: a registry is not the network's user. */
const REGISTRY = new RegExp(
  [
    '^ripe( network coordination( centre)?| ncc)?$', '^ripe network coordination', '^asia pacific network information cent',
    '^(japan|korea|taiwan|african|asia pacific) network information cent(er|re)', '^(apnic|arin|lacnic|afrinic)\\b',
    '\\bafrinic\\b', 'china internet network infor?mation', '^(jpnic|krnic|twnic|cnnic|idnic|irinn|vnnic)\\b',
    '^american registry for internet numbers', '^latin american and caribbean (ip|internet) address',
    '^nic\\.br$', '^nucleo de inf\\. e coord\\. do ponto br',
  ].join('|'),
);

export function isRegistryName(folded: string): boolean {
  return REGISTRY.test(folded);
}
