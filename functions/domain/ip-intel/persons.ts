/**
 * Does a registered holder name belong to a natural person? A person's network is never a lead: it is not a
 * company, and a person is not ours to profile, even when the person runs a small ISP or hoster.
 * Reads the folded name (names.ts `foldName`).
 */

/** Words for a sole trader in the registries of Europe, the former Soviet Union and Latin America. */
const SOLE_TRADER =
  /\b(private|individual) entrepreneur\b|\bsole (proprietor(ship)?|trader)\b|^(fop|flp|spd|chp|fizichna osoba)\b|\beinzelunternehm|\bempresario individual\b/;
/** A Russian or Ukrainian patronymic ("Ivanov Vitaliy Sergeevich"), unless the name is an institution's. */
const PATRONYMIC = /\b\p{L}{3,}(ovich|evich|ovna|evna|ivna|ichna|ovych|ivych|ovitch|evitch)\b/u;
const INSTITUTION_WORD =
  /\b(institut|universit|educat|office|rada|company|llc|ltd|limited|group|network|telecom|named after|school|academ|cent(er|re)|state|bank)/;
/** "Jane Doe trading as Example Net" is how the RIPE database names a sole trader; a company keeps its legal form. */
const TRADING_AS = /^(.*?)\btrading as\b/;
const LEGAL_FORM =
  /\b(ltd|limited|gmbh|ag|se|inc|llc|llp|plc|sa|s\.a|sas|sarl|srl|bv|b\.v|nv|ab|as|a\/s|oy|oyj|aps|spa|s\.p\.a|kg|ohg|ug|corp|corporation|company|co|pty|e\.v|sp\. ?z ?o\.? ?o|s\.r\.o|d\.o\.o|kft|ltda|s\/a)\b/;
/**
 * Brazilian micro-firms registered under the owner's name: initials and a surname ("F DOS S BEZERRA PONTES - ME",
 * "L. MARCON - ME"), or a full personal name ending in a one-person legal form ("FRANCISCO ... GONCALVES ME").
 */
const INITIALS_AND_SURNAME = /^[a-z]\.? (([a-z]\.?|d[aoe]s?|e) ){0,5}[a-z]{3,}( [a-z]{2,})*( -)? ?(me|eireli|epp|mei)\.?$/;
const ONE_PERSON_FORM = /(^| )(-? ?me|eireli( ?-? ?me)?|epp|mei)\.?$/;
/** Words that make a name an organisation's, whatever given name it starts with. */
const ORGANISATION_WORD =
  /\b(tele\w*|net\w*|\w+net|com|comm\w*|internet|web|host\w*|data|digital|tech\w*|info\w*|system\w*|servic\w*|solution\w*|group|bank|insurance|university|college|school|hospital|church|foundation|city|county|state|town|club|hotel|media|radio|tv|cable|fib(ra|er|re)|link|wireless|wifi|online|provedor|provider|comercio|informatica|consult\w*|associat\w*|partners|brothers|sons|industr\w*|electronic\w*|automobile\w*|motors?|enterprises?|agency|cent(er|re)|holdings?|international|global|energy|power|electric|transport|logistic\w*|motors?|labs?|studio|design|security|capital|invest\w*|trust|fund|trading|store|shop|market|farm|health|medical|dental|clinic|law|legal|pharma\w*|ziekenhuis|krankenhaus|fundac\w*|stiftung|emc|street|usa|america\w*|uk|europe\w*|asia|india|canada|australia|japan|china|brasil|brazil|mexico|deutschland|france|italia|espana)\b/;

/** Parts of a Polish or Greek partnership name ("A. Nowak, J. Kowalski s.c.", "... & SIA O.E."). */
const PARTNERSHIP_FORM = /( s\.? ?c\.?| o\.? ?e\.?| g\.? ?p\.?)$/;

export interface PersonRule {
  readonly givenNames: ReadonlySet<string>;
}

/** "EREZUMA MARTIN (T-WIRELESS)": surname and given name, then the trade name, as LACNIC registers sole traders. */
const NAME_THEN_TRADE_NAME = /^([a-z]+) ([a-z]+) \(.+\)$/;

/**
 * Cues that name a person even when the name also says what the person's business is ("… trading as Example
 * Net", a patronymic, a one-person legal form). `folded` is the folded name; returns the cue found, or undefined.
 */
export function personRule(folded: string, { givenNames }: PersonRule): string | undefined {
  if (SOLE_TRADER.test(folded)) return 'sole trader or individual entrepreneur';
  const tradingAs = TRADING_AS.exec(folded);
  if (tradingAs && !LEGAL_FORM.test(tradingAs[1] ?? '')) return 'a person trading under a business name';
  if (PATRONYMIC.test(folded) && !INSTITUTION_WORD.test(folded)) return 'a personal name with a patronymic';
  const trade = NAME_THEN_TRADE_NAME.exec(folded);
  if (trade && (givenNames.has(trade[1]!) || givenNames.has(trade[2]!)) && !LEGAL_FORM.test(folded.replace(/\(.*$/, ''))) {
    return 'a personal name followed by a trade name';
  }
  const plain = plainName(folded);
  if (INITIALS_AND_SURNAME.test(plain)) return 'initials and a surname (a one-person firm)';
  if (ONE_PERSON_FORM.test(plain) && !ORGANISATION_WORD.test(plain) && !LEGAL_FORM.test(plain)) {
    const words = plain.replace(ONE_PERSON_FORM, '').trim().split(' ');
    if (words.length >= 2 && words.some((w) => givenNames.has(w))) return 'a personal name with a one-person legal form';
  }
  const partners = PARTNERSHIP_FORM.test(plain) ? plain.replace(PARTNERSHIP_FORM, '') : undefined;
  if (partners !== undefined && !ORGANISATION_WORD.test(partners) && hasGivenName(partners, givenNames)) {
    return "a partnership named only after its partners";
  }
  return undefined;
}

/**
 * A name that is only a personal name ("Tobias Schramm"). Weaker than personRule's cues, so the classifier asks
 * only when no name rule found a class: "Lawrence Livermore National Laboratory" starts with a given name too.
 */
export function isBarePersonalName(folded: string, { givenNames }: PersonRule): boolean {
  const plain = plainName(folded);
  if (!/^[a-z][a-z.\- ]*$/.test(plain)) return false;
  const words = plain.split(' ').filter((w) => w.replace(/[.-]/g, '') !== '');
  if (words.length < 2 || words.length > 4) return false;
  if (ORGANISATION_WORD.test(plain) || LEGAL_FORM.test(plain)) return false;
  // The given name comes first ("Tobias Schramm") or last (surname first, as LACNIC and some RIPE entries write it).
  return givenNames.has(words[0]!) || givenNames.has(words[words.length - 1]!);
}

const plainName = (folded: string): string =>
  folded.replace(/\(.*$/, '').replace(/["',]/g, ' ').replace(/\s+/g, ' ').trim();

function hasGivenName(text: string, givenNames: ReadonlySet<string>): boolean {
  return text.split(/[^a-z]+/).some((w) => givenNames.has(w));
}
