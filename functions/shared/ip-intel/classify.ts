/**
 * Decides what kind of network an organisation runs, from its AS number and the organisation name in the data.
 * Only `business` networks become leads: a visit from a carrier's or a cloud's address says nothing about which
 * company the visitor works for.
 *
 * The rules run in this order and the first that fires wins; `reason` names it so a reviewer can check it:
 *   1. reserved AS numbers and names that are only "AS12345"            -> unknown
 *   2. curated AS numbers (large carriers, clouds/CDNs/hosters/security proxies, research networks,
 *      government networks) and carrier/cloud brand names that span many AS numbers
 *   3. names that look like a natural person (sole traders)             -> unknown (not a company, and not ours
 *      to profile)
 *   4. name patterns: education, government, hosting, carrier (in that order: "Ministry of Education" is
 *      education, "University Hosting" is education)
 *   5. anything else with a real organisation name                       -> business
 *
 * Every AS number below was checked against the bundled @ip-location-db/asn data (the label next to it names the
 * holder found there; AS numbers without a telling name were picked from the largest holders in that data). No rule uses the size of an organisation's address space: Apple, Ford, Mercedes-Benz, Prudential and
 * Bank of America each announce more than most carriers, and their visitors are exactly the leads we want.
 */
import type { NetworkClass } from './types';

export interface Classification {
  readonly networkClass: NetworkClass;
  readonly reason: string;
}

/** Fixed and mobile carriers, cable operators and transit carriers. */
const CARRIER_ASNS: ReadonlyMap<number, string> = new Map([
  // Deutsche Telekom group
  [3320, 'Deutsche Telekom AG'], [2773, 'Deutsche Telekom AG'], [5483, 'Magyar Telekom'], [5391, 'Hrvatski Telekom'],
  [6855, 'Slovak Telekom'], [5588, 'T-Mobile Czech Republic'], [6799, 'OTE'], [29247, 'OTE'], [12912, 'T-Mobile Polska'],
  [8412, 'T-Mobile Austria'], [21928, 'T-Mobile USA'],
  // Vodafone, Liberty Global and their joint ventures
  [3209, 'Vodafone GmbH'], [31334, 'Vodafone GmbH (Kabel Deutschland)'], [5378, 'Vodafone Limited'],
  [25135, 'Vodafone Limited'], [1273, 'Vodafone Group'], [33915, 'Vodafone Libertel (VodafoneZiggo)'],
  [30722, 'Vodafone Italia'], [12430, 'Vodafone Espana'], [15502, 'Vodafone Ireland'], [12353, 'Vodafone Portugal'],
  [16019, 'Vodafone Czech Republic'], [3329, 'Vodafone-Panafon'], [21334, 'One Hungary (ex Vodafone)'],
  [6830, 'Liberty Global'], [6848, 'Telenet'], [6730, 'Sunrise'],
  // Telefonica / O2
  [3352, 'Telefonica de Espana'], [6805, 'Telefonica Germany (O2)'], [35228, 'Telefonica UK (O2)'],
  [12956, 'Telefonica Global Solutions'],
  // Orange
  [3215, 'Orange S.A.'], [5511, 'Orange S.A. (OpenTransit)'], [12479, 'Orange Espagne'], [5617, 'Orange Polska'],
  [47377, 'Orange Belgium'], [15962, 'Orange Slovensko'], [9050, 'Orange Romania'],
  // UK
  [2856, 'British Telecommunications'], [5400, 'British Telecommunications'], [6871, 'British Telecommunications'],
  [5607, 'Sky UK'], [5089, 'Virgin Media'], [13285, 'TalkTalk'], [56478, 'Hyperoptic'],
  // Rest of Europe
  [210278, 'Sky Italia'], [1136, 'KPN'], [31615, 'Odido'], [50266, 'Odido'], [3303, 'Swisscom'], [3301, 'Telia'],
  [1759, 'Telia Finland'], [25400, 'Telia Norge'], [8764, 'Telia Lietuva'], [3249, 'Telia Eesti'], [5432, 'Proximus'],
  [12322, 'Free SAS'], [15557, 'SFR'], [5410, 'Bouygues Telecom'], [3269, 'Telecom Italia'], [12874, 'Fastweb'],
  [1267, 'Wind Tre'], [24608, 'Wind Tre'], [8447, 'A1 Telekom Austria'], [8437, 'Hutchison Drei Austria'],
  [25255, 'Hutchison Drei Austria'], [2119, 'Telenor Norge'], [1257, 'Tele2 Sverige'], [3292, 'TDC'],
  [16086, 'DNA Oyj'], [8881, '1&1 Versatel'], [8422, 'NetCologne'], [9145, 'EWE TEL'], [8767, 'M-net'],
  [20676, 'Plusnet GmbH'], [16202, 'Tele Columbus'], [35244, 'Tele Columbus'], [6661, 'POST Luxembourg'],
  [3243, 'MEO'], [2860, 'NOS'], [12389, 'Rostelecom'], [8359, 'MTS'], [31213, 'MegaFon'], [3216, 'Vimpelcom'],
  [15895, 'Kyivstar'],
  // North America
  [7922, 'Comcast'], [7015, 'Comcast'], [7725, 'Comcast'], [33491, 'Comcast'], [33650, 'Comcast'], [33651, 'Comcast'],
  [33652, 'Comcast'], [33657, 'Comcast'], [33660, 'Comcast'], [33662, 'Comcast'], [33667, 'Comcast'],
  [33668, 'Comcast'], [20214, 'Comcast'], [21508, 'Comcast'], [22909, 'Comcast'], [13367, 'Comcast'],
  [20115, 'Charter'], [10796, 'Charter'], [11351, 'Charter'], [11426, 'Charter'], [11427, 'Charter'],
  [12271, 'Charter'], [20001, 'Charter'], [33363, 'Charter'], [7843, 'Charter'], [7018, 'AT&T'], [6389, 'AT&T'],
  [20057, 'AT&T'], [2686, 'AT&T'], [701, 'Verizon'], [702, 'Verizon'], [6167, 'Verizon'], [22394, 'Verizon'],
  [2828, 'Verizon'], [22773, 'Cox'], [5650, 'Frontier'], [209, 'CenturyLink/Lumen'], [3561, 'CenturyLink/Lumen'],
  [3356, 'Level 3/Lumen'], [16591, 'Google Fiber'], [577, 'Bell Canada'], [812, 'Rogers'], [6327, 'Shaw'],
  [852, 'TELUS'], [5769, 'Videotron'],
  [7992, 'Cogeco'], [6079, 'RCN'], [19901, 'Brightspeed'], [12083, 'WideOpenWest'], [11776, 'Breezeline'],
  [5645, 'TekSavvy'], [3737, 'PenTeleData'], [7385, 'Allstream'],
  // Satellite access
  [14593, 'SpaceX (Starlink)'], [7155, 'Viasat'], [6621, 'Hughes Network Systems'],
  // Asia-Pacific, Latin America, Middle East and Africa (the largest ones without a telling name)
  [4713, 'NTT Communications'], [2516, 'KDDI'], [17676, 'SoftBank'], [4725, 'SoftBank'], [1221, 'Telstra'],
  [4637, 'Telstra'], [4804, 'Optus'], [9443, 'Vocus'], [4739, 'iiNet'], [2764, 'AAPT'], [9500, 'One NZ'],
  [4771, 'Spark NZ'], [17858, 'LG U+'], [3786, 'LG U+'], [17506, 'ARTERIA'], [2519, 'ARTERIA'], [9824, 'J:COM'],
  [9617, 'J:COM'], [4721, 'J:COM'], [2518, 'BIGLOBE'], [17511, 'OPTAGE'], [10013, 'FreeBit'], [23969, 'TOT'],
  [26615, 'TIM Brasil'], [8151, 'Uninet (Telmex)'], [8551, 'Bezeq International'], [36884, 'Wana (Inwi)'],
  [24863, 'LINKdotNET'], [8452, 'Telecom Egypt'], [6713, 'Maroc Telecom'], [9829, 'BSNL'], [26611, 'Claro Colombia'],
  [4788, 'TM (Telekom Malaysia)'], [8167, 'V tal (Oi)'], [7738, 'V tal (Oi)'], [4761, 'Indosat'], [8048, 'CANTV'],
  [5713, 'Telkom SA'], [37457, 'Telkom SA'], [37168, 'Cell C'], [6503, 'Axtel'], [4685, 'Asahi Net'],
  [9316, 'LG DACOM'], [37100, 'SEACOM'], [30986, 'Scancom (MTN Ghana)'], [55831, 'Aircel'], [14754, 'Telgua'],
  [23700, 'Linknet'], [9583, 'Sify'], [19429, 'ETB'], [6400, 'Claro Dominicana'], [855, 'Bell Canada'],
  [23201, 'Telecel'], [29355, 'Kcell'], [3758, 'SingNet'], [9930, 'TT dotCom'], [37705, 'TOPNET'],
  [9457, 'DREAMLINE'], [9848, 'Sejong Networks'], [7679, 'QTnet'], [9416, 'Hoshin Multimedia'],
  [2609, 'Tunisia Backbone'],
  // Europe, continued
  [5466, 'Eircom'], [29518, 'Bredband2'], [44034, 'Hi3G (Tre)'], [2116, 'GlobalConnect'],
  [8708, 'DIGI Romania'], [20845, 'DIGI Hungary'], [12741, 'Netia'], [9141, 'P4 (Play)'], [5610, 'O2 Czech Republic'],
  [29695, 'Lyse'], [8968, 'BT Italia'], [8866, 'Vivacom'], [5413, 'Wavenet'],
  // Transit carriers
  [1299, 'Arelion'], [174, 'Cogent'], [3257, 'GTT'], [286, 'GTT'], [2914, 'NTT America'], [6939, 'Hurricane Electric'],
  [6461, 'Zayo'], [6453, 'Tata Communications'], [4755, 'Tata Communications'], [6762, 'Telecom Italia Sparkle'],
  [8220, 'Colt'], [9002, 'RETN'], [11686, 'Zayo'], [20055, 'Wholesail'],
]);

/** Clouds, CDNs, hosters, VPN exits and security proxies: the visitor's employer is not the address holder. */
const HOSTING_ASNS: ReadonlyMap<number, string> = new Map([
  [16509, 'Amazon/AWS'], [14618, 'Amazon/AWS'], [15169, 'Google'], [396982, 'Google Cloud'], [36040, 'Google'],
  [19527, 'Google'], [43515, 'Google'], [139070, 'Google'], [16550, 'Google'], [36384, 'Google'], [36492, 'Google'],
  [8075, 'Microsoft/Azure'], [8068, 'Microsoft'], [8069, 'Microsoft'], [8070, 'Microsoft'], [8071, 'Microsoft'],
  [3598, 'Microsoft'], [12076, 'Microsoft'],
  [13335, 'Cloudflare'], [209242, 'Cloudflare'], [394536, 'Cloudflare'],
  [20940, 'Akamai'], [16625, 'Akamai'], [12222, 'Akamai'], [35994, 'Akamai'], [63949, 'Akamai/Linode'],
  [32787, 'Akamai/Prolexic'], [21342, 'Akamai'], [36183, 'Akamai'], [17204, 'Akamai'],
  [54113, 'Fastly'], [22822, 'Limelight/Edgio'], [15133, 'Edgecast'], [60068, 'Datacamp/CDN77'],
  [212238, 'Datacamp/CDN77'], [13188, 'Content Delivery Network Ltd'],
  [16276, 'OVH'], [24940, 'Hetzner'], [213230, 'Hetzner'], [212317, 'Hetzner'], [14061, 'DigitalOcean'],
  [393406, 'DigitalOcean'], [31898, 'Oracle Cloud'], [45102, 'Alibaba Cloud'], [37963, 'Alibaba Cloud'],
  [132203, 'Tencent Cloud'], [45090, 'Tencent Cloud'], [136907, 'Huawei Cloud'], [55990, 'Huawei Cloud'],
  [36351, 'IBM Cloud'], [20473, 'Vultr (The Constant Company)'], [8560, 'IONOS'], [51167, 'Contabo'],
  [12876, 'Scaleway'], [29447, 'Scaleway'], [16265, 'LeaseWeb'], [60781, 'LeaseWeb'], [28753, 'LeaseWeb'],
  [9009, 'M247'], [136787, 'PacketHub'], [53667, 'FranTech/BuyVM'], [197540, 'netcup'], [19318, 'Interserver'],
  [29802, 'Hivelocity'], [40676, 'Psychz'], [62240, 'Clouvider'], [398101, 'GoDaddy'], [46606, 'Unified Layer'],
  [47583, 'Hostinger'], [26347, 'DreamHost'], [33070, 'Rackspace'], [61157, 'PlusServer'], [6659, 'PlusServer'],
  [42708, 'GleSYS'], [396356, 'Latitude.sh'], [8100, 'QuadraNet'], [15830, 'Equinix'], [17378, 'TierPoint'],
  [13768, 'Aptum'], [21859, 'Zenlayer'], [137718, 'Volcano Engine (ByteDance)'], [150436, 'BytePlus (ByteDance)'],
  [4694, 'IDC Frontier'], [6878, 'T-Systems'],
  [8426, 'Claranet'], [3741, 'Dimension Data'], [10474, 'Dimension Data'], [20011, 'Dimension Data'],
  // Security proxies and secure web gateways: traffic of many companies leaves through these.
  [22616, 'Zscaler'], [53813, 'Zscaler'], [62044, 'Zscaler'], [55256, 'Netskope'], [36692, 'Cisco Umbrella/OpenDNS'],
  [19551, 'Imperva Incapsula'], [30148, 'Sucuri'], [19905, 'Neustar Security Services'],
]);

/** National research and education networks: their addresses belong to many universities at once. */
const EDUCATION_ASNS: ReadonlyMap<number, string> = new Map([
  [680, 'DFN'], [1103, 'SURF'], [786, 'Jisc'], [137, 'GARR'], [2200, 'RENATER'], [559, 'SWITCH'], [766, 'RedIRIS'],
  [2603, 'NORDUnet'], [20965, 'GEANT'], [4538, 'CERNET'], [11537, 'Internet2'], [1853, 'ACOnet'], [2611, 'Belnet'],
  [1741, 'FUNET (CSC)'], [1653, 'SUNET'], [2852, 'CESNET'], [1213, 'HEAnet'], [237, 'Merit'], [1659, 'TANet'],
  [6509, 'CANARIE'], [7575, 'AARNet'], [2907, 'SINET'], [2108, 'CARNet'], [5408, 'GRNET'], [224, 'Sikt/UNINETT'],
  [1930, 'FCCN (RCTS)'], [1101, 'SURF'], [1916, 'RNP'], [81, 'MCNC'], [2152, 'CENIC'], [600, 'OARnet'],
  [376, 'RISQ'], [2018, 'TENET'], [7497, 'CNIC-CAS'], [6325, 'Illinois Century Network'],
]);

const GOVERNMENT_ASNS: ReadonlyMap<number, string> = new Map([
  [749, 'US DoD'], [721, 'US DoD NIC'], [56, 'US DoD'], [367, 'US DoD NIC'], [306, 'US DoD NIC'], [668, 'US DoD'],
  [1540, 'US Army (USAISC)'], [4010, 'US Army (USAISC)'], [5774, 'US Postal Service'], [203665, 'UK Ministry of Defence'], [270, 'NASA'], [4155, 'USDA'],
  [37937, 'China eGovNet'],
]);

/** One case-insensitive pattern from readable fragments (each fragment is a regular expression source). */
const anyOf = (fragments: readonly string[]): RegExp => new RegExp(fragments.join('|'), 'i');

/** Brand names of carriers and clouds that hold many AS numbers across countries. */
const BRAND_PATTERNS: ReadonlyArray<readonly [RegExp, NetworkClass, string]> = [
  [anyOf([
    '\\bvodafone\\b', '\\bt-mobile\\b', '\\btelef[oó]nica\\b', '^orange\\b', '\\bcomcast\\b', '\\bcharter communications\\b',
    '\\bverizon\\b', '\\bat&t\\b', '\\bliberty global\\b', '\\bziggo\\b', '\\bupc\\b', '\\bvirgin media\\b', '\\btelia\\b',
    '\\btelenor\\b', '\\btele2\\b', '\\bswisscom\\b', '\\bproximus\\b', '\\bkpn\\b', '\\bodido\\b', '\\bcenturylink\\b',
    '\\bmegafon\\b', '\\bvimpelcom\\b', '\\brostelecom\\b', '\\bchinanet\\b',
    '\\bchina (unicom|mobile|telecom|networks inter-exchange)\\b', '\\bairtel\\b', '\\betisalat\\b', '\\booredoo\\b',
    '\\bmtn\\b', '\\bvodacom\\b', '\\bclaro\\b', '\\btelmex\\b', '\\bzain\\b', '\\bjio\\b', '\\bviettel\\b', '\\bvnpt\\b',
    '\\bpccw\\b', '\\btelstra\\b', '\\bntt (docomo|communications|america|east|west)\\b', '\\bntt-me\\b', '\\bsoftbank\\b',
    '\\bkddi\\b', '\\bturkcell\\b', '\\bsafaricom\\b',
  ]), 'isp', 'carrier brand'],
  [anyOf([
    '\\bamazon\\b', '\\bgoogle\\b', '\\bmicrosoft\\b', '\\bakamai\\b', '\\bcloudflare\\b', '\\bfastly\\b', '\\bzscaler\\b',
    '\\bovh\\b', '\\bhetzner\\b', '\\bdigitalocean\\b', '\\blinode\\b', '\\bleaseweb\\b', '\\bcontabo\\b', '\\bscaleway\\b',
    '\\balibaba\\b', '\\btencent\\b', '\\bm247\\b',
  ]), 'hosting', 'cloud/CDN brand'],
];

/** Registry names of natural persons running an AS (common in the RIPE region): not a company. */
const NATURAL_PERSON = /\b(private|individual) entrepreneur\b|\bsole (proprietor|trader)\b|^fop\b|\bfizichna osoba\b/i;
/** "Jane Doe trading as Example Net" is how the RIPE database names a sole trader; a company keeps its legal form. */
const TRADING_AS = /^(.*?)\btrading as\b/i;
const LEGAL_FORM =
  /\b(ltd|limited|gmbh|ag|inc|llc|llp|plc|sa|s\.a|sas|sarl|srl|bv|b\.v|nv|ab|as|a\/s|oy|oyj|spa|s\.p\.a|kg|ohg|ug|corp|corporation|company|pty|e\.v)\b/i;

/** Ordered: the first class whose pattern matches wins. */
const NAME_PATTERNS: ReadonlyArray<readonly [NetworkClass, RegExp]> = [
  ['education', anyOf([
    'universit', 'universidad', 'universidade', '\\bcollege\\b', '\\bschools?\\b', '\\bschule\\b', 'hochschule',
    '\\bacadem(y|ic|ia)\\b', 'akademie', 'research (and|&) education', 'research network', 'forschungsnetz',
    '\\beducation', 'educacion', 'educa[cç][aã]o', 'polytechnic', 'politecnico', 'institute of technology',
  ])],
  ['government', anyOf([
    '\\bministry\\b', 'ministerium', 'minist[eè]re', 'ministerio', 'ministero', 'government', '\\bgov\\b', '\\bgovt\\b',
    '\\bbundes(amt|ministerium|anstalt|verwaltung|wehr|agentur|rechenzentrum|kanzleramt|rat|tag|land)',
    'department of defen[cs]e', '\\bdod\\b', '\\bu\\.s\\. department of\\b',
    '\\bdepartment of (the interior|technology|justice|homeland|veterans|energy|state|health|agriculture|commerce|transportation|the treasury|labor)\\b',
    '\\bcity of\\b', '\\bcounty of\\b', '\\bstate of\\b', '\\bcommonwealth of\\b', '\\bprovince of\\b', '\\bestado de\\b',
    '\\bprefeitura\\b', '\\bayuntamiento\\b', '\\bmunicipality\\b', '\\bgemeente\\b', 'stadtverwaltung', 'landesamt',
    '\\bregierung\\b', 'gouvernement', '\\bgobierno\\b', '\\bgoverno\\b', 'parliament', 'european commission',
    '\\bpolice\\b', '\\bpolizei\\b', '\\bsheriff', '\\btribunal\\b', '\\bcourt of\\b', '\\bclerk of\\b',
    '\\barmed forces\\b', '\\bnavy\\b', '\\bair force\\b', '\\bpostal service\\b',
  ])],
  ['hosting', anyOf([
    'hosting', '\\bhost(?!ess)', 'webhost', '\\bcloud\\b', '\\bidc\\b', 'data ?cent(er|re)', 'rechenzentrum',
    'colocation', '\\bcolo\\b', '\\bservers?\\b', '\\bvps\\b', '\\bcdn\\b', 'content delivery', 'dedicated',
  ])],
  ['isp', anyOf([
    'tele(com|kom|communica|comunica|komunik|fonica|phone|net\\b)', 'télécom', '\\btelco\\b', 'broadband',
    'banda ancha', '\\bcable\\b', 'cablevision', '\\bkabel', '\\bcatv\\b', '\\bmobile\\b', 'mobilfunk', '\\bm[oó]vil\\b',
    'wireless', '\\bwifi\\b', '\\bwi-fi\\b', 'satellit', '\\bfib(er|re)\\b', '\\bfibra\\b', '\\bdsl\\b', '\\bftth\\b',
    '\\bisp\\b', 'internet service', '\\binternet\\b', '\\bprovider\\b', '\\bcommunications?\\b', '\\bcomunica[cç]',
    '\\biletisim\\b',
  ])],
];

const PLACEHOLDER_NAME = /^(AS\d+)?$/i;
/** A few registries prefix the holder's name with its AS number ("AS263588 - INSTITUTO ..."). */
const AS_PREFIX = /^AS\d+\s*-\s*/i;

/** 0, AS_TRANS, documentation, private and reserved ranges (RFC 6996, RFC 5398, RFC 7300). */
function isReservedAsn(asn: number): boolean {
  return asn === 0 || asn === 23456 || (asn >= 64496 && asn <= 131071) || asn >= 4200000000;
}

export function classify(asn: number, name: string): Classification {
  if (isReservedAsn(asn)) return { networkClass: 'unknown', reason: 'reserved or private AS number' };
  if (PLACEHOLDER_NAME.test(name.trim())) return { networkClass: 'unknown', reason: 'no organisation name in the data' };

  const curated: ReadonlyArray<readonly [ReadonlyMap<number, string>, NetworkClass, string]> = [
    [CARRIER_ASNS, 'isp', 'mobile/fixed carrier'],
    [HOSTING_ASNS, 'hosting', 'cloud/CDN/hoster/security proxy'],
    [EDUCATION_ASNS, 'education', 'research and education network'],
    [GOVERNMENT_ASNS, 'government', 'government network'],
  ];
  for (const [list, networkClass, label] of curated) {
    const who = list.get(asn);
    if (who !== undefined) return { networkClass, reason: `curated list: ${label} (${who})` };
  }

  const holder = name.replace(AS_PREFIX, '');
  for (const [pattern, networkClass, label] of BRAND_PATTERNS) {
    const m = pattern.exec(holder);
    if (m) return { networkClass, reason: `curated ${label}: /${m[0].toLowerCase()}/` };
  }
  const tradingAs = TRADING_AS.exec(holder);
  if (NATURAL_PERSON.test(holder) || (tradingAs && !LEGAL_FORM.test(tradingAs[1] ?? ''))) return { networkClass: 'unknown', reason: 'name looks like a natural person' };
  for (const [networkClass, pattern] of NAME_PATTERNS) {
    const m = pattern.exec(holder);
    if (m) return { networkClass, reason: `name pattern: /${m[0].toLowerCase()}/` };
  }
  return { networkClass: 'business', reason: 'organisation name; no carrier, hosting or public-sector rule matched' };
}

export function isLeadClass(networkClass: NetworkClass): boolean {
  return networkClass === 'business';
}
