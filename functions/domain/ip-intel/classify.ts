/**
 * Decides what kind of network an organisation runs, from its AS number and the organisation name in the data.
 * Only `business` networks become leads: a visit from a carrier's or a cloud's address says nothing about which
 * company the visitor works for.
 *
 * The rules run in this order and the first that fires wins; `reason` names it so a reviewer can check it:
 *   1. reserved AS numbers and names that are only "AS12345"            -> unknown
 *   2. curated AS numbers: large carriers, clouds/CDNs/hosters/VPN exits/security proxies, research networks,
 *      government networks, and the few companies whose registered name trips a carrier or hosting word
 *   3. carrier and cloud brand names that span many AS numbers ("Vodafone", "LG HelloVision", "Rackspace")
 *   4. names that look like a natural person (sole traders, "Ivanov Vitaliy Sergeevich") -> unknown (not a
 *      company, and not ours to profile); names of internet registries ("RIPE Network Coordination Centre",
 *      which the data gives for some carriers' space) -> unknown
 *   5. name patterns: education, government, hosting, carrier, then the weaker public-sector words ("Authority",
 *      "Commission"), in that order: "Ministry of Education" is education, "University Hosting" is education,
 *      "Cyprus Telecommunications Authority" is a carrier. Makers of network equipment ("Juniper Networks") keep
 *      their business class although their name has a carrier word.
 *   6. anything else with a real organisation name                       -> business
 *
 * Every AS number below was checked against the bundled @ip-location-db/asn data (the label next to it names the
 * holder found there). The curated lists hold the carriers and clouds that most visits come from, and the
 * largest holders of IPv4 space whose registered name does not say what they are: every holder of more than about
 * 100 000 addresses that the name rules would have called a business was reviewed by hand. No rule uses the size
 * of an organisation's address space: Apple, Ford, Mercedes-Benz, Prudential and Bank of America each announce
 * more than most carriers, and their visitors are exactly the leads we want.
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
  // Europe: carriers whose registered name has no carrier word
  [21497, 'VF Ukraine (Vodafone)'], [29314, 'Vectra'], [21021, 'Multimedia Polska'], [8473, 'Bahnhof'],
  [39603, 'P4 (Play)'], [31242, 'P4 (Play)'], [12552, 'GlobalConnect'], [31027, 'GlobalConnect'], [1836, 'green.ch'],
  [13237, 'euNetworks'], [206067, 'Three UK (Hutchison 3G)'], [13280, 'Three Ireland (Hutchison)'],
  [8612, 'Tiscali Italia'], [12663, 'Fastweb'], [3302, 'Retelit'], [12338, 'Euskaltel'], [12578, 'Tet (Latvia)'],
  [35805, 'Silknet'], [12392, 'VOO'], [8374, 'Polkomtel (Plus)'], [34058, 'lifecell'],
  [12978, 'Digiturk (Andromeda TV)'], [15943, 'wilhelm.tel'], [3212, 'Telemach Slovenija'],
  [213155, 'Yettel Hungary'], [12969, 'Ljosleidarinn'], [12301, 'Invitech'], [15600, 'Quickline'], [3308, 'Norlys'],
  [8717, 'A1 Bulgaria'], [29580, 'A1 Bulgaria'], [13124, 'A1 Bulgaria'], [35141, 'A1 Bulgaria'],
  [5578, 'SWAN (Slovakia)'], [12350, 'VTX'], [8342, 'RTComm.RU'], [35807, 'SkyNet (Russia)'], [16010, 'Magticom'],
  [25180, 'Exponential-E'], [12709, 'Melita'], [20910, 'Bite Latvija'], [13194, 'Bite Lietuva'],
  [15659, 'NextGenTel'], [29208, 'Quantcom'], [12390, 'KCOM'], [2854, 'Orange Business Services (Russia)'],
  [42772, 'A1 Belarus'], [8615, 'Central Telegraph'], [43205, 'Vivacom'], [16347, 'Adista'], [34177, 'Celeste'],
  [34779, 'T-2 (Slovenia)'], [30764, 'PODA'], [15425, 'PODA'], [43939, 'Netia'], [31148, 'Freenet (Ukraine)'],
  [203953, 'Hiper'], [12668, 'KomTehCentr'], [31122, 'Digiweb'], [28685, 'Routit'], [42908, 'O2 Czech Republic'],
  [16246, 'O2 Czech Republic'], [15735, 'GO (Malta)'], [24955, 'Ufanet'], [2586, 'Elisa Eesti'], [20857, 'Signet'],
  [13045, 'htp'], [6703, 'Farlep'], [13110, 'INEA'], [8368, 'Dstny'], [9070, 'Cooolbox'],
  [31252, 'StarNet (Moldova)'], [8362, 'NordNet'], [42366, 'TerraTransit'], [8399, 'Sewan'],
  [12897, 'ENTEGA Medianet'], [31012, 'A1 Hrvatska'], [12810, 'A1 Hrvatska'], [3663, 'NetNet'], [8758, 'Iway'],
  [3313, 'BT Italia'], [12797, 'BT Italia'], [12586, 'GHOSTnet'], [21412, 'Cgates'], [20804, 'Exatel'],
  [47474, 'Virtual1'], [16342, 'Toya'], [42560, 'Telemach BH'], [205714, 'Telemach Hrvatska'],
  [34594, 'Telemach Hrvatska'], [198471, 'Opnet'], [8365, 'Man-da.de'], [25394, 'MK Netzdienste'], [5605, 'NetUSE'],
  [20712, 'Andrews & Arnold'], [44395, 'Ucom'], [9057, 'Lumen UK (Level 3)'], [6677, 'Mila'], [28725, 'CETIN'],
  [12119, 'ITV-3'], [15547, 'netplus.ch'], [52075, 'Wifirst'], [1290, 'Telstra Europe'], [8732, 'Comcor'],
  [39647, 'Enreach'], [30848, 'Unidata'], [34383, 'Teloise'], [25540, 'Alphalink'], [44407, 'Linkt'],
  [13030, 'Init7'], [6772, 'ImproWare'], [13193, 'Keyyo'], [6876, 'Tenet (Ukraine)'], [5539, 'SpaceNet'],
  [25133, 'McLaut'], [44087, 'BeST (life:) Belarus'], [8319, 'NETHINKS'], [25248, 'Radiokomunikace'],
  [27983, 'Red Intercable'], [56329, 'Gigaclear'], [30781, 'Free Pro'], [50629, 'LWLcom'], [47331, 'TTNet'],
  [39326, 'Syntura'], [15623, 'Cyberlink'], [24631, 'Tose\'h Fanavari Ertebatat'],
  [206065, 'Tose\'h Fanavari Ertebatat'], [31263, 'Mynet'], [8462, 'Tarr'], [9119, 'Softnet'],
  [57878, 'Prager Connect'], [21056, 'Vianova'], [25160, 'Vorboss'], [9031, 'EDPnet'], [41998, 'NetCom BW'],
  [719, 'Elisa (registered as RIPE NCC in the data)'], [6866, 'Cyta'],
  // Americas
  [5006, 'Inteliquent'], [27747, 'Telecentro (Argentina)'], [14522, 'Satnet'], [11260, 'Eastlink'],
  [11172, 'Alestra'], [28118, 'Altice Dominicana'], [27651, 'Entel Chile'], [27947, 'Telconet'],
  [21575, 'Entel Peru'], [19165, 'Webpass'], [7122, 'Bell Canada'], [11489, 'Bell Canada'],
  [11888, 'Izzi (Television Internacional)'], [16960, 'Izzi (Television Internacional)'], [28024, 'Nuevatel'],
  [11290, 'Cogeco'], [61461, 'Airtek'], [22995, 'Xplore'], [21826, 'Inter (Telemic)'], [30600, 'Metronet'],
  [27364, 'Armstrong'], [18747, 'IFX'], [32098, 'Transtelco'], [10396, 'Datacom Caribe'], [23473, 'Pavlov Media'],
  [398721, 'Oxio'], [18734, 'Izzi (Operbes)'], [6568, 'Entel Bolivia'], [52468, 'Ufinet'], [30404, 'Blue Stream'],
  [7270, 'IDT'], [25956, 'Logix'], [21949, 'Beanfield'], [22652, 'Videotron'], [14615, 'Comporium'], [30689, 'Flow'],
  [395965, 'Carrytel'], [18678, 'Internexa'], [26554, 'US Signal'], [8015, 'US Signal'], [19180, 'Americatel Peru'],
  [26801, 'Zito Media'], [26210, 'AXS Bolivia'], [27768, 'Copaco'], [27843, 'Optical Networks (Peru)'],
  [3790, 'RACSA'], [16904, 'Arvig'], [11696, 'Fusion'], [16524, 'MetTel'], [397412, 'Tachus'], [4581, 'Socket'],
  [5009, 'REV'], [6315, 'XMission'], [22724, 'Puntonet'], [19332, 'Marcatel'], [35911, 'Telebec'],
  [20207, 'Gigared'], [18822, 'Manquehuenet'], [272809, 'Thundernet'], [8163, 'Metrotel'], [27759, 'Access Haiti'],
  [27668, 'ETAPA'], [22351, 'Intelsat'], [5690, 'Vianet'],
  // Asia-Pacific, Middle East and Africa
  [4780, 'Digital United (Seednet)'], [10036, 'D\'LIVE'], [38841, 'kbro'], [7522, 'STNet'], [7474, 'Optus'],
  [4826, 'Vocus'], [38809, 'Vocus'], [4657, 'StarHub'], [138345, 'StarHub'], [9381, 'HKBN'], [17444, 'HKBN'],
  [4670, 'Shinbiro'], [4773, 'M1'], [17547, 'M1'], [7524, 'ITEC Hankyu Hanshin'],
  [131596, 'Taiwan Broadband Communications'], [8346, 'Sonatel'], [1403, 'EBOX'],
  [21299, 'Kar-Tel (Beeline Kazakhstan)'], [4768, 'One NZ'], [38091, 'LG HelloVision'], [9845, 'LG HelloVision'],
  [17839, 'LG HelloVision'], [9770, 'LG HelloVision'], [9697, 'LG HelloVision'], [18313, 'LG HelloVision'],
  [10066, 'LG HelloVision'], [21003, 'LTT (Libya)'], [24757, 'EthioNet'], [18144, 'Enecom'], [7670, 'Enecom'],
  [37105, 'Rain'], [30999, 'Emtel'], [31549, 'Shatel'], [12684, 'SES Astra'], [36891, 'Icosnet'], [38322, 'TM'],
  [9676, 'SaveCom'], [9351, 'ZTV'], [12880, 'ITC (Iran)'], [4750, 'CS Loxinfo'], [45528, 'Tikona'], [37309, 'QCell'],
  [15399, 'Zuku (Wananchi)'], [17762, 'Tata Teleservices'], [36924, 'GVA (Canal+)'], [9293, 'HKNet'],
  [43754, 'Asiatech'], [24309, 'ACT Fibernet'], [55577, 'ACT Fibernet'], [18209, 'ACT Fibernet'], [38565, 'Ncell'],
  [38195, 'Superloop'], [10143, 'Superloop'], [17917, 'Quadrant Televentures'], [29286, 'Skylogic'],
  [133774, 'China Telecom Fujian'], [4800, 'Lintasarta'], [17809, 'Vee Time'], [9308, 'Abitcool'],
  [18001, 'Dialog Axiata'], [51375, 'STC Bahrain'], [24186, 'RailTel'], [37002, 'Reunicable'], [17877, 'KX NexG'],
  [16814, 'NSS'], [7321, 'LocalNet'], [25620, 'Cotas'], [8796, 'Fastnet Data'], [18046, 'DongFong'],
  [37035, 'Tigo Tanzania (MIC)'], [4787, 'CBN (Cyberindo)'], [23674, 'Nayatel'], [36874, 'Cybersmart'],
  [204170, 'Awaser'], [36943, '1-Grid'], [17529, 'Starcat'], [48832, 'Linkdotnet Jordan'], [10029, 'Shyam Spectra'],
  [36315, 'Servpac'], [37342, 'Movitel'], [9587, 'DTAC'], [136190, 'China Telecom Zhejiang (Jinhua)'],
  [136188, 'China Telecom Zhejiang (Ningbo)'], [58542, 'China Telecom Tianjin'],
  [134419, 'China Telecom Guangxi (Beihai)'], [5416, 'Beyon (Batelco)'], [9038, 'Batelco Jordan'],
  [9341, 'Indonesia Comnets Plus'], [24203, 'XL Axiata'], [37053, 'RSAWEB'], [6412, 'Gulfnet (Kuwait)'],
  [7516, 'TOHKnet'], [9946, 'KCTV Jeju'], [7562, 'HCN'], [10021, 'KVH'], [51407, 'Mada'], [7602, 'Saigon Postel'],
  [36907, 'TV Cabo Angola'], [20299, 'Newcom'], [5734, 'Telkom SA'], [37340, 'Spectranet'], [5377, 'Marlink'],
  [12455, 'Jambonet'],
  // Carriers found further down the list of the largest holders
  [25934, 'Syniverse'], [28075, 'Arlink'], [131293, 'TOT'], [24877, 'INIT (Lithuania)'], [201019, 'P4 (Play)'],
  [31126, 'Sodetel'], [8741, 'Ratiokontakt'], [22368, 'Telebucaramanga'], [34108, 'Breedband Delft'],
  [40714, 'SpaceX Services (Starlink)'], [8470, 'Macomnet'], [17983, 'AAPT'], [29091, 'ipNX'],
  [43733, 'Viva Armenia'], [2033, 'Panix'], [3326, 'Datagroup'], [34606, 'B.B.Bell'], [54483, 'GeoLinks'],
  [41897, 'Sat-Trakt'], [6782, 'IT i Norrbotten'], [8681, 'JT (Jersey)'], [51561, 'ICUK'], [8771, 'YUnet'],
  [17754, 'Excellmedia'], [134540, 'Tata Teleservices'], [60294, 'Deutsche Glasfaser'],
  [134771, 'China Telecom Zhejiang (Wenzhou)'], [7438, 'Pegaso PCS (Movistar Mexico)'], [35816, 'Lancom (Georgia)'],
  [15958, 'CETIN Serbia'], [42313, 'One Albania'], [20811, 'Retelit'], [30041, 'Race Communications'],
  [8680, 'Sure (Guernsey)'], [19092, 'Zayo'], [327733, 'Saicom'], [12418, 'Quantum (Russia)'], [32505, 'Conterra'],
  [39699, 'Lounea'], [63479, 'HamWAN'], [47956, 'XFone 018'], [11650, 'Pioneer Long Distance'],
  [201776, 'Miranda-Media'], [10269, 'Belize Telemedia'], [40029, 'Novus Entertainment'], [23856, 'SPTel'],
  [7849, 'RingSquared'], [9877, 'SingNet'], [5571, 'GTT'], [5656, 'accessU.S.'], [7535, 'TISNET'], [24173, 'Netnam'],
  [44489, 'Starnet (Slovakia)'], [24342, 'BRACNet'], [31214, 'TIS Dialog'], [18530, 'Isomedia'],
  [11333, 'CyberTrails'], [4455, 'IX Reach'], [45372, 'ULNetworks'], [59127, 'Newmedia (Japan)'],
  [215540, 'Global Connectivity Solutions'], [9950, 'LG DACOM'], [32277, 'TBayTel'], [31272, 'WildPark'],
  [10617, 'SION'], [13170, 'Kaisanet'], [21232, 'GGA Maur'], [33616, 'Co-Mo Comm'], [25227, 'Avantel'],
  [131429, 'MobiFone'], [17625, 'Blazenet'], [25447, 'JM-DATA'], [28615, 'Televisao Cidade'], [7642, 'Dhiraagu'],
  [28669, 'VERO'], [28667, 'VERO'], [50821, 'Bredband2'], [264750, 'Teleoperadora del Nordeste'], [16811, 'SageNet'],
  [45177, 'Devoli'], [61315, 'SED Multitel'], [29492, 'Eidsiva'], [328228, 'SBIN (Benin)'],
  [58495, 'Parsaoran Global Datatrans'], [138160, 'ZTNET'], [134078, 'Netpluz'], [27833, 'BVNET'],
  [23243, 'Comcel Guatemala (Tigo)'], [25184, 'Afranet'], [1828, 'Unitas Global'],
  [34244, 'Teleservice Bredband Skane'], [4741, 'Samart Infonet'], [14434, 'VI Powernet'], [10823, 'NetCarrier'],
  [17665, 'ONEOTT'], [18371, 'iiNet'], [3833, 'wyoming.com'], [28114, 'Alpha Tel'], [39184, 'UltraNET'],
  [23956, 'Amber IT'], [30985, 'Ikatel'], [55140, 'Sho-Me Technologies'], [203995, 'Lyse Tele'], [23688, 'Link3'],
  [31117, 'Energotel'], [8448, 'CETIN Hungary'], [38684, 'CMB Daejeon'], [18106, 'ViewQwest'], [6789, 'Crelcom'],
  [29649, 'Limes'], [31586, 'Signet'], [28878, 'Signet'], [8728, 'Infonet (Estonia)'], [27553, 'Telnet Worldwide'],
  [39134, 'Edinaya Set'], [197524, 'Leonet'], [8820, 'tal.de'], [7656, 'SaveCom'], [18390, 'Spintel'],
  [23791, 'LCV'], [27866, 'Copaco'], [29866, 'Opticaltel'], [48683, 'Bilink'], [138241, 'Orient Express LDI'],
  [12620, 'Ticinocom'], [34661, 'Briz'], [39238, 'OKB Progress'], [63838, 'China Telecom Hunan (Hengyang)'],
  [13000, 'Leon'], [15440, 'Baltnetos komunikacijos'], [21263, 'TeleData'], [34772, 'Neotel'], [18982, 'US Signal'],
  [20880, 'Tele Columbus'], [28270, 'Videomar'], [39912, 'oja.at'], [211309, 'OBOS Opennet'], [400194, 'Wire 3'],
  [15805, 'Epic (Malta)'], [21211, 'Penkiu kontinentu'], [58243, 'TELE AG'], [3330, 'eww'], [11550, 'Smithville'],
  [49800, 'GNC-Alfa'], [200736, 'Medianet Invest'],
  // Carriers among holders of 40 000 to 100 000 addresses
  [34977, 'Procono'], [41354, 'ITS Technology Group'], [9976, 'Namincheon Broadcasting'], [31520, 'Datagroup'],
  [5394, 'Unidata'], [21413, 'Envia Tel'], [21107, 'Blicnet'], [34123, 'Netorn'], [50436, 'Tele Columbus'],
  [398025, 'Cumberland Connect'], [45916, 'Gujarat Telelink'], [63440, 'Telnyx'], [24651, 'Balticom'],
  [54936, 'Wyyerd'], [48642, 'For (Russia)'], [8092, 'Access Media Holdings'], [41230, 'ASK4'],
  [5518, 'Tet (Latvia)'], [20686, 'Bisping & Bisping'], [38794, 'United Information Highway'], [21267, 'Wavenet'],
  [28890, 'INSYS'], [393442, 'United Electric Cooperative'], [5602, 'Retelit'], [8492, 'OBIT'],
  [15808, 'AccessKenya'], [58540, 'China Telecom Shandong (Jinan)'], [29550, 'Team Blue Carrier'],
  [10171, 'SKTelink'], [395354, 'Starry'], [9051, 'IncoNet'], [7727, 'Hondutel'], [8257, 'Slovanet'],
  [9905, 'Linknet'], [29259, 'IABG Teleport'], [48101, 'Trooli'], [23487, 'Conecel (Claro Ecuador)'],
  [20875, 'HT Mostar'], [4540, 'Sogetel'], [3255, 'Eksintech'], [23465, 'Nuvera'], [395662, 'OzarksGo'],
  [49223, 'Everest TV and Radio'], [11666, 'Nexicom'], [58541, 'China Telecom Shandong (Qingdao)'],
  [21309, 'Herabit'], [10299, 'EMCALI'], [8595, 'WestCall'], [3262, 'SAREnet'], [62336, 'PURtel'],
  [8025, 'BrightNet Oklahoma'], [10054, 'CMB Kwangju'], [12676, 'HKN'], [27984, 'Ver TV'], [9762, 'KT HCN'],
  [15582, 'Comcor'], [41750, 'Mega-Line'], [63859, 'MyRepublic Indonesia (Eka Mas Republik)'],
  [399898, 'Conexon Connect'], [8245, 'Video-Broadcast'], [1448, 'United Cooperative Services'],
  [35238, 'Alsace Connexia'], [28929, 'ASDASD'], [24679, 'kyberio'], [49524, 'Wolnet'], [57353, 'vitroconnect'],
  [204384, 'OTT Ukraine'], [62976, 'Camplink'], [10569, 'Red CENIA Internet'], [24137, 'China Unicom Henan'],
  [3245, 'Digital Systems (Bulgaria)'], [8334, 'Setel'], [11071, 'InfoWest'], [22987, 'BrightRidge'],
  [37084, 'Simbanet'], [46003, 'Connectwave'], [49808, 'Energie AG Oberoesterreich'],
  [19114, 'Otecel (Movistar Ecuador)'], [34369, 'Shatel'], [52361, 'ARSAT'], [58507, 'Wireline'],
  [7722, 'Tel. Pacific'], [15321, 'Maskatel'], [18068, 'Dream Wave Shizuoka'], [27717, 'Digitel'],
  [57858, 'Angelnet'], [12886, 'LEW TelNet'], [215228, 'Netpool'], [8218, 'Zayo France'], [8544, 'Primetel'],
  [18206, 'TM'], [34758, 'Axera'], [398143, 'Great Lakes Energy Connections'], [56534, 'Comfortel'],
  [17675, 'PacketFabric'], [9891, 'CS Loxinfo'], [12779, 'IT.Gate'], [15083, 'Infolink'], [31404, 'Lycatel'],
  [32806, 'MTNSAT'], [35132, 'Enivest'], [49788, 'Nexthop'], [138754, 'Kerala Vision'], [199636, 'Free Pro'],
  [26133, 'Frankfort Plant Board'], [29226, 'Mastertel'], [34456, 'Rial Com'], [132215, 'Powergrid Teleservices'],
  [8823, 'Rockenstein'], [136195, 'China Telecom Shandong (Qingdao)'], [22898, 'Atlink'], [27951, 'Media Commerce'],
  [7908, 'Sencinet'], [21473, 'Pfalzkom'], [30801, 'Nomotech'], [9378, 'J:COM'], [18136, 'J:COM'],
  [20394, 'Rainier Connect'], [25124, 'Datak'], [35575, 'Vaioni'], [41095, 'IPTP'], [56019, 'CNISP'],
  [265171, 'Sitelbra'], [19662, 'Uniserve'], [26375, 'AireSpring'], [32709, 'Joink'], [13692, 'Douglas FastNet'],
  [25549, 'Avantel'], [56300, 'MyRepublic'], [197556, 'Kar-Tel (Beeline Kazakhstan)'], [24852, 'INIT (Lithuania)'],
  [37564, 'Wirulink'], [59257, 'CMPak (Zong)'], [135607, 'Infinivan'], [150008, 'Pioneer Elabs'], [26617, 'Navega'],
  [28952, 'O2 Business Services (Czech Republic)'], [9802, 'Abitcool'], [23338, 'DCS Pacific Star'],
  [28716, 'Retelit'], [39120, 'Convergenze'], [18429, 'Extra-Lan'], [38680, 'CMB'], [3132, 'Red Cientifica Peruana'],
  [9326, 'Centrin'], [21430, 'WIA'], [23383, 'Metrored'], [24324, 'Kordia'], [29582, 'Optisprint'],
  [51032, 'Powernet'], [9085, 'Supermedia'], [17253, 'TEC of Jackson'], [20495, 'We Dare'], [37315, 'Cipherwave'],
  [39493, 'Kolomna-Sviaz TV'], [1982, 'Northwest Nexus'], [6663, 'Euroweb Romania'], [6740, 'CEZNET'],
  [8416, 'InfoLada'], [17882, 'MCS Com'], [8309, 'Sipartech'], [19024, 'Unitas Global'], [30236, 'Cronomagic'],
  [37480, 'Cobranet'], [40545, 'Empire Access'], [55900, 'GLBB Japan'], [35598, 'Inetcom Carrier'], [7718, 'iiNet'],
  [39010, 'TerraNet'], [56167, 'PTML'], [133776, 'China Telecom Fujian (Quanzhou)'], [12033, 'Adams TelSystems'],
  [30237, 'Chaney Systems'], [31115, 'Intred'], [32653, 'eNetworks'], [34920, 'Simply Transit'],
  [36556, 'Wave Rural Connect'], [137698, 'China Unicom Heilongjiang (Harbin)'], [262673, 'VERO'],
  [17563, 'Nexlinx'], [51580, 'Timenet'], [327794, 'Clear Access'], [12306, 'Plus.line'],
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
  [9009, 'M247'], [136787, 'PacketHub'], [53667, 'FranTech/BuyVM'], [6724, 'Strato'], [197540, 'netcup'], [19318, 'Interserver'],
  [29802, 'Hivelocity'], [40676, 'Psychz'], [62240, 'Clouvider'], [398101, 'GoDaddy'], [46606, 'Unified Layer'],
  [47583, 'Hostinger'], [26347, 'DreamHost'], [33070, 'Rackspace'], [61157, 'PlusServer'], [6659, 'PlusServer'],
  [42708, 'GleSYS'], [396356, 'Latitude.sh'], [8100, 'QuadraNet'], [15830, 'Equinix'], [17378, 'TierPoint'],
  [13768, 'Aptum'], [21859, 'Zenlayer'], [137718, 'Volcano Engine (ByteDance)'], [150436, 'BytePlus (ByteDance)'],
  [4694, 'IDC Frontier'], [6878, 'T-Systems'],
  [8426, 'Claranet'], [3741, 'Dimension Data'], [10474, 'Dimension Data'], [20011, 'Dimension Data'],
  // Security proxies and secure web gateways: traffic of many companies leaves through these.
  [22616, 'Zscaler'], [53813, 'Zscaler'], [62044, 'Zscaler'], [55256, 'Netskope'], [36692, 'Cisco Umbrella/OpenDNS'],
  [19551, 'Imperva Incapsula'], [30148, 'Sucuri'], [19905, 'Neustar Security Services'],
  // Hosters, data centres, IP-leasing and VPN networks and SaaS platforms among the largest holders of IPv4 space
  [17561, 'Larus (IP leasing)'], [26496, 'GoDaddy'], [54600, 'PEG Tech'], [398823, 'PEG Tech'], [398478, 'PEG Tech'],
  [132839, 'Power Line (HK)'], [134548, 'DingFeng XinHui'], [134175, 'DingFeng XinHui'], [13649, 'Flexential'],
  [35916, 'Multacom'], [49505, 'Selectel'], [50340, 'Selectel'], [7671, 'NTT SmartConnect'],
  [55960, 'Sinnet (AWS China)'], [62904, 'Eonix'], [139341, 'Aceville'], [8001, 'Cologix'], [15395, 'Rackspace'],
  [32475, 'Internap'], [13789, 'Internap'], [13445, 'Cisco Webex'], [23005, 'Switch (data centres)'],
  [17054, 'Expedient'], [11320, 'LightEdge'], [135354, 'Naver Cloud'], [54994, 'Meteverse'], [31034, 'Aruba.it'],
  [202613, 'Aruba.it'], [22205, 'Datapipe'], [14492, 'Datapipe'], [11377, 'SendGrid'], [32244, 'Liquid Web'],
  [9286, 'KINX'], [20021, 'Ntirety'], [46261, 'QuickPacket'], [9123, 'Timeweb'], [13767, 'DataBank'],
  [37153, 'Xneelo'], [22552, 'eSited'], [8607, 'Digital Space Group'], [140637, 'Macquarie Technology'],
  [17477, 'Macquarie Technology'], [12824, 'home.pl'], [135097, 'Luogelang'], [142286, 'Luogelang'],
  [35908, 'Krypt'], [272096, 'PacketHub (NordVPN)'], [207137, 'PacketHub (NordVPN)'],
  [147049, 'PacketHub (NordVPN)'], [141039, 'PacketHub (NordVPN)'], [13213, 'UK-2'], [12703, 'Pulsant'],
  [15879, 'Vancis'], [2376, 'Bleu (cloud)'], [2906, 'Netflix'], [154395, 'Rackdog'], [44066, 'firstcolo'],
  [209854, 'Cyberzone'], [262287, 'Maxihost'], [20278, 'Nexeon'], [18978, 'Enzu'], [15180, 'UOL Diveo'],
  [39855, 'Mod Mission Critical'], [54103, 'Mod Mission Critical'], [62, 'CyrusOne'], [15598, 'NorthC'],
  [35041, 'Binero'], [5517, 'CSL Computer Service Langenbach'], [23352, 'DEFT'], [18229, 'CtrlS'],
  [984, 'Octopus Web Solution'], [24961, 'WIIT'], [54489, 'CoreSpace'], [139880, 'Owgels'], [38700, 'Smileserv'],
  [13009, 'Redcentric'], [17766, 'Nexon Asia Pacific'], [399077, 'Tcloudnet'], [63911, 'NetActuate'],
  [37958, 'Beijing Blue I.T'], [46844, 'Sharktech'], [53755, 'Input Output Flood'], [8315, 'WorldStream'],
  [58061, 'Scalaxy'], [47292, 'Sentia'], [11509, 'Tierzero'], [8469, 'CANCOM Managed Services'], [11878, 'tzulo'],
  [46562, 'Performive'], [8648, 'dogado'], [197695, 'REG.RU'], [209847, 'WorkTitans (IP leasing)'],
  [138415, 'Yancy'], [979, 'NetLab Global'], [63023, 'GTHost'], [29182, 'IOT (Russia)'], [10439, 'CariNet'],
  [45753, 'Netsec'], [198610, 'Beget'], [6908, 'Six Degrees'], [19229, 'Ensono'], [15967, 'nazwa.pl'],
  [210644, 'Aeza'], [21221, 'Infopact'], [64286, 'LogicWeb'], [400463, 'DynaNode'], [38341, 'Hexie'],
  [18450, 'WebNX'], [55933, 'Cloudie'], [14230, 'Involta'], [25653, 'FortressITX'], [137951, 'Asline'],
  [43513, 'Nano IT'], [33425, 'CoreWeave'], [62468, 'VpsQuan'], [834, 'IPXO (IP leasing)'],
  [203061, 'code200 (proxy network)'], [200484, 'Brevo (Sendinblue)'],
  [17497, 'LiaSail'], [29522, 'Cyber_Folks'], [3223, 'Voxility'], [133296, 'Web Werks'], [61313, 'NetAssets'],
  [56005, 'Fastidc'], [400072, 'Thunderbox'], [31727, 'Node4'], [150363, 'SoftEther (VPN)'], [4544, 'Navisite'],
  [9584, 'Diyixian'], [7296, 'Dynascale'], [931, 'Hyonix'], [200373, '3xK Tech'], [14537, 'Continent 8'],
  [62610, 'Zenlayer'], [36086, 'Telx'], [22653, 'Cyber Wurx'], [8905, 'Digit One'], [50624, 'Outscale'],
  [36236, 'NetActuate'], [35415, 'Webzilla'], [202034, 'Qianyun'], [50673, 'Serverius'], [43350, 'NForce'],
  [12859, 'BIT'], [24971, 'MasterDC'], [15694, 'Atman'], [59078, 'Yunify'], [4213, 'Krypt'], [63182, 'RapidScale'],
  [8304, 'Ecritel'], [45079, 'GDS'], [7393, 'Cybercon'], [8893, 'Artfiles'], [33387, 'Nocix'],
  [715, 'Packet Clearing House (WoodyNet)'], [42, 'Packet Clearing House (WoodyNet)'], [3064, 'Ntirety'],
  [5693, 'Latisys'], [48918, 'Globalways'], [15533, 'Redcentric'], [32181, 'GigeNET'], [51265, 'Mass Response'],
  [13354, 'zColo'], [56630, 'Melbikomas'], [397373, 'H4Y'], [35332, 'DataWeb'], [39572, 'DataWeb'],
  [139057, 'Edgenext'], [48854, 'team.blue'], [26464, 'Joyent'], [19373, 'Triara'], [29468, 'InfraCom'],
  [2734, 'CoreSite'], [20847, 'Previder'], [10122, 'Netstar'], [24061, 'NTT Australia'], [19679, 'Dropbox'],
  [46489, 'Twitch'],
  // Hosters and data centres among holders of 40 000 to 100 000 addresses
  [3242, 'Reevo'], [9729, 'iAdvantage'], [34762, 'Combell'], [64267, 'Sprious'], [27589, 'MojoHost'],
  [40509, 'Fly.io'], [24586, 'Intermax'], [29873, 'Newfold Digital'], [15703, 'True Fullstaq'],
  [5533, 'Claranet Portugal'], [12637, 'Seeweb'], [26383, 'Baxet'], [201290, 'BlackGATE'], [19255, 'YOUR.ORG'],
  [17645, 'NTT Singapore'], [29748, 'QTS'], [40913, 'QTS'], [20141, 'QTS'], [63139, 'Bedge'], [62874, 'Web2Objects'],
  [15687, 'Aeven'], [16685, 'TIVIT'], [31863, 'Centrilogic'], [8419, 'Redcentric'], [44076, 'INTAC Services'],
  [15085, 'Immedion'], [51043, 'Aspire Technology Solutions'], [55470, 'Cyfuture'], [11403, 'NYI'],
  [202468, 'ArvanCloud (Noyan Abr Arvan)'], [61098, 'Akenes'], [22379, 'Manifold Services'],
  [23844, 'Sinnet (AWS China)'], [49063, 'Data Storage Center'], [398465, 'Rackdog'], [7604, 'Zettagrid'],
  [149440, 'Evoxt'], [200019, 'AlexHost'], [42132, 'Digit One'], [12399, 'q.beyond'], [204957, 'Green Floid'],
  [5033, 'Key Information Systems'], [45352, 'IP ServerOne'], [12213, 'Centersquare'], [19531, 'Nodes Direct'],
  [47447, '23M'], [204601, 'Zomro'], [50304, 'Blix'], [10217, 'NTT Indonesia'], [23884, 'Proen'],
  [28747, 'Easyhost'],
]);

/** National research and education networks: their addresses belong to many universities at once. */
const EDUCATION_ASNS: ReadonlyMap<number, string> = new Map([
  [680, 'DFN'], [1103, 'SURF'], [786, 'Jisc'], [137, 'GARR'], [2200, 'RENATER'], [559, 'SWITCH'], [766, 'RedIRIS'],
  [2603, 'NORDUnet'], [20965, 'GEANT'], [4538, 'CERNET'], [11537, 'Internet2'], [1853, 'ACOnet'], [2611, 'Belnet'],
  [1741, 'FUNET (CSC)'], [1653, 'SUNET'], [2852, 'CESNET'], [1213, 'HEAnet'], [237, 'Merit'], [1659, 'TANet'],
  [6509, 'CANARIE'], [7575, 'AARNet'], [2907, 'SINET'], [2108, 'CARNet'], [5408, 'GRNET'], [224, 'Sikt/UNINETT'],
  [1930, 'FCCN (RCTS)'], [1101, 'SURF'], [1916, 'RNP'], [81, 'MCNC'], [2152, 'CENIC'], [600, 'OARnet'],
  [376, 'RISQ'], [2018, 'TENET'], [7497, 'CNIC-CAS'], [6325, 'Illinois Century Network'],
  // Regional research networks and public research institutions
  [2607, 'SANET'], [2381, 'WiscNet'], [2107, 'ARNES'], [3233, 'ICI Bucharest'], [513, 'CERN'], [2715, 'FAPERJ'],
  [1237, 'KISTI'], [226, 'Los Nettos'], [291, 'ESnet'], [292, 'ESnet'], [293, 'ESnet'], [8308, 'NASK'],
  [271, 'BCnet'], [23793, 'AIST'], [777, 'CEA'], [1968, 'UMassNet'], [1128, 'SURF'], [15474, 'RHnet'],
  [1251, 'FAPESP (ANSP)'], [14325, 'OSHEAN'], [2614, 'RoEduNet'], [60187, 'London Grid for Learning'],
  [10881, 'FUNPAR'],
  [13092, 'AMRES'], [207592, 'GWDG'], [1161, 'SURF'], [1133, 'SURF'], [1199, 'SURF'], [3428, 'ESnet'],
  [3152, 'Fermilab'], [2640, 'Ames Laboratory'], [3671, 'SLAC'], [6406, 'Jefferson Lab'],
  [26020, 'Space Telescope Science Institute'], [8522, 'FORTH'], [17932, 'JAIST'], [17866, 'KIST'],
  [2036, 'Joanneum Research'], [2875, 'JINR'], [2936, 'NERSC'], [3314, 'Wigner Research Centre'],
  [9367, 'Institute of Science Tokyo'], [9591, 'National Institute for Fusion Science'], [9753, 'Dong-A University'],
  [13040, 'FIZ Karlsruhe'], [13748, 'Cold Spring Harbor Laboratory'], [18128, 'RIKEN'], [21612, 'Fiocruz'],
  [29110, 'Institut Pasteur'], [47616, 'CERTH'], [63777, 'National Institutes of Natural Sciences'],
  [262534, 'LNCC'], [262829, 'IMPA'], [1704, 'KAIST'], [19226, 'NOIRLab'], [2500, 'WIDE Project'], [3640, 'CICESE'],
  [2546, 'NCSR Demokritos'], [11499, 'Woods Hole Oceanographic Institution'], [5516, 'INESC'], [2012, 'ELTENET'],
  [59863, 'Norsk Regnesentral'],
  [2602, 'RESTENA'], [6736, 'IPM (Iran)'], [1104, 'NWO (Dutch research council)'],
  [8248, 'Computer Technology Institute (Greece)'], [1887, 'NASK'],
]);

const GOVERNMENT_ASNS: ReadonlyMap<number, string> = new Map([
  [749, 'US DoD'], [721, 'US DoD NIC'], [56, 'US DoD'], [367, 'US DoD NIC'], [306, 'US DoD NIC'], [668, 'US DoD'],
  [1540, 'US Army (USAISC)'], [4010, 'US Army (USAISC)'], [5774, 'US Postal Service'], [203665, 'UK Ministry of Defence'], [270, 'NASA'], [4155, 'USDA'],
  [37937, 'China eGovNet'],
  // National, regional and local administrations and public agencies among the largest holders of IPv4 space
  [3766, 'Shared Services Canada'], [2665, 'Shared Services Canada'], [2675, 'Shared Services Canada'],
  [393952, 'Service Alberta'], [20312, 'CENIT (Venezuela)'], [127, 'NASA JPL'], [9650, 'CITEC (Queensland)'],
  [17841, 'National Information Resources Service (Korea)'], [26854, 'New York State'],
  [48037, 'SSC-ICT (Dutch government)'], [10954, 'SERPRO'], [16623, 'Alberta Health Services'],
  [11188, 'Los Angeles County'], [41289, 'Deutscher Wetterdienst'], [214692, 'Valtori (Finnish state ICT)'],
  [132321, 'Northern Territory Government'], [3488, 'JAXA'], [7633, 'Software Technology Parks of India'],
  [8895, 'KACST'], [199541, 'Eurocontrol'],
  [6882, 'Regione Toscana'], [197942, 'Forsakringskassan'], [136572, 'OCIO'],
  [4758, 'National Informatics Centre (India)'], [6720, 'Stadt Wien'], [7872, 'US Antarctic Program'],
  [12037, 'FDIC'], [33846, 'Dataport'], [25996, 'FBI CJIS'], [3923, 'FAA'], [4046, 'FAA'], [199902, 'Lantmateriet'],
  [25094, 'CTI Geneve'], [36534, 'Alberta Health Services'], [3424, 'NNSA'], [5766, 'Indian Health Service'],
  [16099, 'Austrian social insurance'], [49, 'NIST'], [2384, 'Architect of the Capitol'],
  [213160, 'Council of the EU'], [70, 'National Library of Medicine'], [2274, 'Congressional Budget Office'],
  [2513, 'Japan Science and Technology Agency'], [2532, 'Library of Congress'],
  [2650, 'Executive Office of the President'], [2799, 'Swedish Police'], [4241, 'California Franchise Tax Board'],
  [6883, 'Austrian Parliament'], [7847, 'NASA Goddard'], [9983, 'Australian Bureau of Statistics'],
  [13128, 'ITDZ Berlin'], [16153, 'Servei Catala de la Salut'], [17029, 'California Highway Patrol'],
  [17343, 'South Florida Water Management District'], [20981, 'InnovaPuglia'], [22920, 'Bureau of Indian Affairs'],
  [23667, 'Bureau of Meteorology'], [28756, 'European Patent Office'], [36091, 'South Coast AQMD'],
  [141400, 'Comcare'], [200060, 'Sjofartsverket'], [201869, 'Statens Fastighetsverk'], [200139, 'Statens Vegvesen'],
  [214445, 'NATO'], [398130, 'Maryland Courts'], [22828, 'Parklawn Computer Center (HHS)'],
  [211077, 'UK Home Office'], [132096, 'Land Information New Zealand'], [5744, 'USPTO'], [22238, 'DARPA'],
  [134748, 'Geoscience Australia'], [27026, 'networkMaryland'], [7, 'Dstl'], [1881, 'FMV'], [45128, 'ANSTO'],
  [28222, 'INPE'], [47169, 'Pro-M'],
  [25689, 'Shared Services Canada'], [13611, 'US Centers for Disease Control'], [9893, 'Cenitex (Victoria)'],
  [37717, 'Centre de Calcul El Khawarizmi'], [20330, 'New York State Unified Court System'], [2594, 'CSI Piemonte'],
  [31638, 'Lepida'],
]);

/**
 * Companies whose registered name contains a carrier or hosting word: their own staff use these networks, so they
 * are leads like any other company.
 */
const CORPORATE_ASNS: ReadonlyMap<number, string> = new Map([
  [7726, 'FedEx (FedEx Internet Technologies)'], [202893, 'Signify (Lighting-INTERNET)'],
  [25901, 'Gannett (Gannett Satellite Information Network)'], [30846, 'Mapfre (MAPFRE INTERNET)'],
  [25945, 'Leidos (Leidos CBSNSOC)'],
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
    '\\bpccw\\b', 'telstra', '\\bntt (docomo|communications|america|east|west)\\b', '\\bntt-me\\b', '\\bsoftbank\\b',
    '\\bkddi\\b', '\\bturkcell\\b', '\\bsafaricom\\b', '\\bhutchison\\b', '\\boptus\\b', '\\bsingtel\\b', '\\bstarhub\\b',
    '\\bhellovision\\b', '\\btelemach\\b', '\\byettel\\b',
    '\\ba1 (telekom|bulgaria|hrvatska|slovenija|makedonija|srbija)\\b', '\\bentel\\b', '\\baltice\\b', '\\bcogeco\\b', '\\bvideotron\\b', '\\beastlink\\b', '\\bbell (canada|aliant|mobility)\\b',
    '\\btelus\\b', '\\bvocus\\b', '\\bsuperloop\\b', '\\bglobalconnect\\b', '\\bbite (latvija|lietuva)\\b', '\\bmillicom\\b',
    '\\blumen\\b', '\\blevel ?3\\b', '\\borange business\\b', '\\bo2 czech\\b', '\\belisa\\b', '\\bhkbn\\b',
    '\\bnetia\\b', '\\bpolkomtel\\b', '\\bvectra\\b', '\\bfastweb\\b', '\\btiscali\\b', '\\biliad\\b', '\\bcolt technology\\b',
    '\\batria convergence\\b', '\\baxiata\\b', '\\bbeeline\\b', '\\bkyivstar\\b',
    '\\bdigi (romania|hungary|spain|slovakia)\\b', '\\bmts pjsc\\b', '\\bmobile telesystems\\b', '\\bdigicel\\b', '\\bradiomovil\\b', '\\bspark (new zealand|digital)\\b',
    '\\btrue (move|internet)\\b', '\\bgrameenphone\\b', '\\bwideopenwest\\b', '\\baltibox\\b', '^eolo\\b', '\\bxfera\\b',
    '\\bglobacom\\b', '^gtd\\b', '^wom s\\.a', '\\bcantv\\b', '\\baxtel\\b', '\\binit7\\b', '\\bewe tel\\b',
  ]), 'isp', 'carrier brand'],
  [anyOf([
    '\\bamazon\\b', '\\bgoogle\\b', '\\bmicrosoft\\b', '\\bakamai\\b', '\\bcloudflare\\b', '\\bfastly\\b', '\\bzscaler\\b',
    '\\bovh\\b', '\\bhetzner\\b', '\\bdigitalocean\\b', '\\blinode\\b', '\\bleaseweb\\b', '\\bcontabo\\b', '\\bscaleway\\b',
    '\\balibaba\\b', '\\btencent\\b', '\\bm247\\b', '\\brackspace\\b', '\\bgodaddy\\b', '\\bselectel\\b', '\\bpeg tech\\b',
    '\\binternap\\b', '\\bdatapipe\\b', '\\bequinix\\b', '\\bdigital realty\\b', '\\bflexential\\b', '\\bcologix\\b',
    '\\bcyrusone\\b', '\\bcoreweave\\b', '\\bg-?core labs\\b', '\\bpackethub\\b', '\\bdatacamp limited\\b',
    '\\btimeweb\\b', '\\bionos\\b', '\\bhostinger\\b', '\\bnetskope\\b', '\\bincapsula\\b', '\\bimperva\\b',
    '\\bforcepoint\\b', '\\biboss\\b', '\\bmenlo security\\b', '\\bcato networks\\b', '\\baryaka\\b', '\\bzenlayer\\b',
    '\\bnamecheap\\b', '\\bliquid web\\b', '\\bgandi sas\\b', '^cyon\\b', '\\bnetcup\\b', '\\bmyloc\\b', '\\bworldstream\\b',
    '\\bserverius\\b', '^one\\.com\\b', '\\bloopia\\b', '\\bglesys\\b', '\\bkamatera\\b', '\\bedgecast\\b',
    '\\bbunny technology\\b', '\\bcdnetworks\\b', '\\bquantil\\b', '\\bhivelocity\\b', '\\bclouvider\\b', '\\bpsychz\\b',
    '\\bquadranet\\b', '\\bnetflix\\b',
    // VPN services
    '\\bwindscribe\\b', '^31173 services\\b',
  ]), 'hosting', 'cloud/CDN brand'],
];

/** Registry names of natural persons running an AS (common in the RIPE region): not a company. */
const NATURAL_PERSON = /\b(private|individual) entrepreneur\b|\bsole (proprietor|trader)\b|^fop\b|\bfizichna osoba\b/i;
/** A Russian or Ukrainian patronymic ("Ivanov Vitaliy Sergeevich") is a person's name, unless an institution's. */
const PATRONYMIC = /\b\p{L}{3,}(ovich|evich|ovna|evna|ivna|ichna|ovych|ivych)\b/iu;
const INSTITUTION_WORD = /\b(institut|universit|educat|office|rada|company|llc|ltd|limited|group|network|telecom|named after)/i;
/** "Jane Doe trading as Example Net" is how the RIPE database names a sole trader; a company keeps its legal form. */
const TRADING_AS = /^(.*?)\btrading as\b/i;
const LEGAL_FORM =
  /\b(ltd|limited|gmbh|ag|inc|llc|llp|plc|sa|s\.a|sas|sarl|srl|bv|b\.v|nv|ab|as|a\/s|oy|oyj|spa|s\.p\.a|kg|ohg|ug|corp|corporation|company|pty|e\.v)\b/i;

/** Ordered: the first class whose pattern matches wins. */
const NAME_PATTERNS: ReadonlyArray<readonly [NetworkClass, RegExp]> = [
  ['education', anyOf([
    'universit', 'universidad', 'universidade', 'univerz', '\\buniv\\b', '\\bcolleges?\\b', '\\bsuny\\b', '\\bboces\\b', 'seminary',
    'estudios superiores', 'instituto tecnol[oó]gico', 'institute of science', '\\bsurf b\\.v\\.', '\\bschools?\\b',
    '\\bschule\\b', 'hochschule',
    '\\bacadem(y|ic|ia)\\b', 'akademie', 'research (and|&) education', 'research network', 'forschungsnetz',
    '\\beducation', 'educacion', 'educa[cç][aã]o', 'polytechnic', 'politecnico', 'politechni', 'institute of technology',
    // Public research: national laboratories, research councils and institutes, supercomputing centres.
    'national laborator', '\\bresearch (cent(er|re)|organi[sz]ation|council|laborator)', 'supercomput',
    'scientific (and|&) industrial research', 'forschungs(zentrum|institut|gemeinschaft)', 'fraunhofer',
    'max[- ]planck', 'helmholtz', 'leibniz', 'accelerator (laborator|center|centre|facility)', '\\bcnrs\\b', '\\brenater\\b',
    'board of regents',
    'centro de investigaci[oó]n', '\\bintermediate unit\\b', 'student(en)?(bost|hem|werk|siedlung|wohn)', '\\bstudent (network|housing|residen|union|village|accommodation)',
    '\\bstudent & residential', '\\bk-?12\\b',
  ])],
  ['government', anyOf([
    '\\bministry\\b', 'ministerium', 'minist[eè]re', 'ministerio', 'ministero', 'ministerie', 'minist[eé]rio', 'interminist',
    'ministerstw', 'ministeerium',
    'government', '\\bgov\\b', '\\bgovt\\b',
    '\\bbundes(amt|ministerium|anstalt|verwaltung|wehr|agentur|rechenzentrum|kanzleramt|rat|tag|land)',
    'department of defen[cs]e', '\\bdod\\b', '\\bdep(artmen)?t\\.? of\\b', '\\busaisc\\b', 'national aeronautics',
    '\\bnasa\\b',
    'national institute of standards', '\\bnational informatics', 'federal aviation', 'highway patrol',
    '\\bbureau of (meteorology|statistics|the treasury|indian affairs|land management|reclamation|prisons|labor|the census)\\b',
    '\\bhome office\\b', 'executive office', 'treaty organi[sz]ation',
    'national institutes of health', 'national oceanic', 'national science foundation',
    '\\bcity of\\b', '\\bcounty of\\b', '\\bstate of\\b', '\\bcommonwealth of\\b', '\\bprovince of\\b', '\\bestado de\\b',
    '\\bprefeitura\\b', '\\bayuntamiento\\b', '\\bmunicipality\\b', '\\bmunicipalidad\\b', '\\bmunic[ií]pio\\b',
    '\\bgemeente\\b', '\\bgemeinde\\b', '\\bcomune di\\b', '\\bkommun(e|er)?\\b', '\\blandsting', '^region\\b', '^stadt\\b',
    '^regione\\b', '\\bmagistrat\\b', '\\bjunta de\\b', '\\bgobernaci[oó]n\\b', 'comunidad aut[oó]noma', '^statens\\b',
    'verket\\b',
    '^(\\S+ ){1,2}county$', '\\bcounty (government|commission|board|council|courts?|sheriff|clerk|schools?|library|hospital|-)',
    '\\b(borough|city|county|district|town|parish) council\\b', '\\bborough of\\b',
    'landeshauptstadt', '\\blandkreis\\b', 'stadtverwaltung', 'landesamt', '\\bkantons?\\b', '\\bcanton (de|of)\\b',
    '\\betat de\\b', 'conseil (r[eé]gional|d[eé]partemental|g[eé]n[eé]ral)', 'swiss federation',
    '\\bregierung\\b', 'gouvernement', '\\bgobierno\\b', '\\bgoverno\\b', 'parliament', 'parlament', 'european commission',
    'house of (representatives|commons|lords)', '\\bsenate\\b', 'verkhovna rada', '\\bsejm\\b', 'riksdag', 'storting',
    'folketing', 'eduskunta', 'assembl[eé]e nationale', 'camera dei deputati', 'tweede kamer', '\\bnhs\\b',
    '\\bpolice\\b', '\\bpolizei\\b', '\\bsheriff', '\\btribunal\\b', '\\bcourt of\\b', '\\bclerk of\\b',
    '\\barmed forces\\b', '\\bnavy\\b', '\\bair force\\b', '\\bpostal service\\b',
  ])],
  ['hosting', anyOf([
    'hosting', '\\bhost(?!ess)', 'webhost', 'cloud\\b', '\\bidc\\b', 'data[ -]?cent(er|re)', 'rechenzentrum', 'veri merkezi',
    'colocation', '\\bcolo\\b', '(?<!ob)servers?\\b', '\\bvps\\b', '\\bcdn\\b', 'content delivery', 'dedicated', '\\bvpn\\b',
  ])],
  ['isp', anyOf([
    'tele(com|kom|communica|comunica|komunik|fon(?!buch)|phone|net\\b|mati)', 'télécom', '\\btelco\\b', '\\btelcom\\b',
    'broadband', 'banda ancha', '\\bcable(?!s\\b)', 'cablevision', 'cabletelevision', '\\bkabel', '\\bkablo', '\\bcatv\\b',
    '\\bmobile\\b', 'mobilfunk', '\\bm[oó]vil(es)?\\b', 'wireless', '\\bwifi\\b', '\\bwi-fi\\b', 'satellit', 'fib(er|re|ra)',
    '\\bdsl\\b', '\\bftth\\b', '\\bisp\\b', 'internet service', '\\binternet', '\\bprovider\\b', '\\bprovedor',
    '\\bcommunications?\\b', '\\bcomunica[cç]', 'info-?comm\\b', '\\biletisim\\b', 'haberle[sş]me', 'sv[yi]az', 'ertebat',
    '\\bon-?line\\b', '\\bnet\\b', '\\bnetworks?\\b', 'supernet', 'stadtwerke', 'stadtnetz',
    'cooperativa (el[eé]ctrica|de (servicios|provisi[oó]n|telecomunicaciones|obras))',
  ])],
  // Weaker public-sector words, after the carrier words: "Cyprus Telecommunications Authority" is a carrier.
  ['government', anyOf([
    '\\bauthority\\b', '\\bcommission\\b',
    '\\b(national|federal|state|government(al)?|protection|defen[cs]e|space|atomic energy|environment(al)?|security) agency\\b',
    '\\b(tax|management|research projects) agency\\b',
    '\\bagency (of|for)\\b', '\\btax (board|administration)\\b',
  ])],
];

/**
 * Names that match a carrier word but are not carriers: makers of network equipment ("Juniper Networks", "Ericsson
 * Telecomunicacoes"), and networks of hospitals, utilities and TV channels ("Home Shopping Network").
 */
const NOT_A_CARRIER = anyOf([
  '\\b(juniper|arista|palo alto|extreme|a10|versa|cambium|cumulus|big switch|mitel|sonus|infinera|ruckus) networks\\b',
  '\\b(aruba|barracuda) networks\\b', '^f5\\b', '\\bnokia\\b', '\\bericsson\\b', '\\bcisco\\b', '\\bciena\\b',
  '\\bribbon communications\\b', '\\bmotorola\\b', '\\bl3harris\\b', '\\bthales\\b',
  '\\b(health|healthcare|hospital|electricity|energy|trade|library|news|shopping) networks?\\b', '\\bmedia networks\\b',
  '\\bpower networks\\b(?!.*tele)',
]);

/** Names of the regional internet registries and national registries: the registry is not the network's user. */
const REGISTRY = anyOf([
  '^ripe network coordination', '^(japan|korea|taiwan|african|asia pacific) network information cent(er|re)',
  '^apnic\\b', '^arin\\b', '^lacnic\\b', '\\bafrinic\\b', 'china internet network infor?mation',
]);

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
    [CORPORATE_ASNS, 'business', 'company network despite its name'],
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
  const person =
    NATURAL_PERSON.test(holder) ||
    (tradingAs && !LEGAL_FORM.test(tradingAs[1] ?? '')) ||
    (PATRONYMIC.test(holder) && !INSTITUTION_WORD.test(holder));
  if (person) return { networkClass: 'unknown', reason: 'name looks like a natural person' };
  if (REGISTRY.test(holder)) return { networkClass: 'unknown', reason: 'the name is an internet registry, not the user' };
  for (const [networkClass, pattern] of NAME_PATTERNS) {
    const m = pattern.exec(holder);
    if (!m) continue;
    if (networkClass === 'isp' && NOT_A_CARRIER.test(holder)) {
      return { networkClass: 'business', reason: `not a carrier despite its name (/${m[0].toLowerCase()}/)` };
    }
    return { networkClass, reason: `name pattern: /${m[0].toLowerCase()}/` };
  }
  return { networkClass: 'business', reason: 'organisation name; no carrier, hosting or public-sector rule matched' };
}

export function isLeadClass(networkClass: NetworkClass): boolean {
  return networkClass === 'business';
}
