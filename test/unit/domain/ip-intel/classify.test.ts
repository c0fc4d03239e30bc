import { join } from 'node:path';
import { createClassifier, type Classifier } from '../../../../functions/domain/ip-intel/classify';
import { loadClassificationRules } from '../../../../scripts/build/classification-data';

// The rules with the repository's data (data/classification/, data/asn-labels/), as the build applies them.
let classify: Classifier;

beforeAll(() => {
  classify = createClassifier(loadClassificationRules(join(__dirname, '..', '..', '..', '..')));
});

describe('classify: which source decides', () => {
  test.each([
    [0, 'Anything', 'unknown', /^reserved or private AS number/],
    [64512, 'Private Use', 'unknown', /^reserved/],
    [999007, 'AS999007', 'unknown', /^no holder named/],
    [999008, '-Reserved AS-', 'unknown', /^no holder named/],
    [3320, 'Deutsche Telekom AG', 'isp', /^curated: carrier$/],
    [22616, 'ZSCALER, INC.', 'hosting', /^curated: cloud\/CDN\/hoster\/VPN\/security proxy \(Zscaler\)/],
    [680, 'Verein zur Foerderung eines Deutschen Forschungsnetzes e.V.', 'education', /^curated: research and education/],
    [7726, 'FedEx Internet Technologies Corporation', 'business', /^curated: company network despite its name/],
    [3842, 'InMotion Hosting, Inc.', 'hosting', /^open list: X4B datacenter/],
    [999001, 'Vodafone Magyarorszag Zrt.', 'isp', /^brand: carrier brand \/vodafone\//],
    [999002, 'Rackspace.com Hong Kong Limited', 'hosting', /^brand: cloud\/CDN brand \/rackspace\//],
    [999003, 'NetCom Telekommunikation GmbH', 'isp', /^name rule carrier word: \/netcom\//],
    [999004, 'Example Hosting B.V.', 'hosting', /^name rule hosting word: \/hosting\//],
    [999005, 'Technische Universität München', 'education', /^name rule education: \/universit\//],
    [999006, 'Bundesministerium des Innern', 'government', /^name rule public body: \/bundesministerium\//],
    [35039, 'SAP SE', 'business', /^curated: company: SAP German software vendor/],
    [999009, 'Example Widgets GmbH', 'business', /^no rule matched/],
  ])('AS%d %s -> %s', (asn, name, networkClass, reason) => {
    const evidence = classify(asn, name);

    expect(evidence.networkClass).toBe(networkClass);
    expect(evidence.reason).toMatch(reason);
  });

  test('a curated row outranks an open list that names the same AS number', () => {
    // Hurricane Electric is on both hosting lists; it is a transit carrier (curated).
    expect(classify(6939, 'Hurricane Electric LLC')).toMatchObject({ networkClass: 'isp', trust: 'curated' });
  });

  test('a curated row outranks a registry name: AS719 is Elisa, registered as RIPE NCC in the data', () => {
    expect(classify(719, 'RIPE Network Coordination Centre')).toMatchObject({ networkClass: 'isp', trust: 'curated' });
  });
});

describe('classify: names', () => {
  test.each([
    [999101, 'LG HelloVision Corp.', 'isp'],
    [999103, 'Example Networks Pty Ltd', 'isp'],
    [999104, 'Sonic.net, LLC', 'isp'],
    [999105, 'EXAMPLECLOUD LIMITED', 'hosting'],
    [999106, 'Cyprus Telecommunications Authority', 'isp'],
    [999107, 'Georgia Technology Authority', 'government'],
    [999108, 'Oslo kommune', 'government'],
    [999109, 'Lawrence Livermore National Laboratory', 'education'],
    [999110, 'Juniper Networks, Inc.', 'business'],
    [999111, 'ERICSSON TELECOMUNICACOES S.A.', 'business'],
    [999112, 'Prysmian Cables and Systems USA LLC', 'business'],
    [999113, 'STUDENT AGENCY k.s.', 'business'],
    [999114, 'Nomura Research Institute, Ltd.', 'business'],
    [999116, 'Office of the Verkhovna Rada of Ukraine', 'government'],
    [999117, 'Japan Network Information Center', 'unknown'],
  ])('AS%d %s -> %s', (asn, name, networkClass) => {
    expect(classify(asn, name).networkClass).toBe(networkClass);
  });

  test.each([
    'Jane Doe trading as Example Net',
    'Ivanov Vitaliy Sergeevich',
    'Individual Entrepreneur Mchedlidze Georgiy Vitalievich',
    'FOP Pavlenko Andrey Pavlovich',
    'F DOS S BEZERRA PONTES - ME',
    'L. MARCON - ME',
    'FRANCISCO MARQUES VIEIRA GONCALVES ME',
    'EREZUMA MARTIN (T-WIRELESS)',
    'Tobias Schramm',
  ])('%s is a natural person: unknown, never a lead', (name) => {
    expect(classify(999200, name)).toMatchObject({ networkClass: 'unknown', reason: expect.stringMatching(/^name rule person: /) });
  });

  test.each(['Example Ltd trading as Example Shop', 'Jack Henry & Associates, Inc.', 'Siemens AG', 'Kodak Alaris'])(
    '%s is not a person',
    (name) => {
      expect(classify(999201, name).networkClass).toBe('business');
    },
  );
});

describe('classify: structure', () => {
  const officeBlock = { ipv4Addresses: 256, ipv4Ranges: 1, ipv6Prefix: undefined, organisationAsns: 1 };
  // Curated rows as the second review wrote them, at AS numbers no holder has: the rule, not today's data, is tested.
  const NO_CUE = 1_000_101;
  const BARE_BRAND = 1_000_102;
  const LABORATORY = 1_000_103;
  let withCurated: Classifier;

  beforeAll(() => {
    const rules = loadClassificationRules(join(__dirname, '..', '..', '..', '..'));
    const row = (reason: string, organisation: string) => ({ networkClass: 'hosting' as const, reason, organisation });
    withCurated = createClassifier({
      ...rules,
      curated: new Map([
        [NO_CUE, row('no cue: US Inc', 'Tezcatlipoca Inc.')],
        [BARE_BRAND, row('no cue: bare brand', 'Desk2')],
        [LABORATORY, row('no cue: Canadian labs company', 'Ameliorate Laboratories Incorporated')],
      ]),
    });
  });

  test('a holder the review left in hosting for want of a cue, alone in its organisation with one /24, is a company (the no-cue probe)', () => {
    expect(withCurated(NO_CUE, 'Tezcatlipoca Inc.', officeBlock)).toEqual({
      networkClass: 'business',
      trust: 'curated',
      reason: "structure: a neutral name with one /24 of its own and no IPv6, read as a company's office block; curated: no cue: US Inc",
    });
  });

  test.each([
    ['more than one /24 of IPv4', { ...officeBlock, ipv4Addresses: 512, ipv4Ranges: 2 }],
    ['IPv6 as well, as a hobby network often has', { ...officeBlock, ipv6Prefix: 48 }],
    ['another AS number of its organisation', { ...officeBlock, organisationAsns: 2 }],
    ['its organisation unknown', { ipv4Addresses: 256, ipv4Ranges: 1, ipv6Prefix: undefined }],
  ])('the curated row stands with %s', (_case, structure) => {
    expect(withCurated(NO_CUE, 'Tezcatlipoca Inc.', structure)).toEqual({ networkClass: 'hosting', trust: 'curated', reason: 'curated: no cue: US Inc' });
  });

  test('a bare brand without a legal form stays as curated: it can be a private person\'s network', () => {
    expect(withCurated(BARE_BRAND, 'Desk2', officeBlock)).toMatchObject({ networkClass: 'hosting', reason: 'curated: no cue: bare brand' });
  });

  test('a name another rule speaks about keeps the curated row (here a laboratory, which the education rule takes)', () => {
    expect(withCurated(LABORATORY, 'Ameliorate Laboratories Incorporated', officeBlock)).toMatchObject({ networkClass: 'hosting', trust: 'curated' });
  });

  test('an ISP-sized IPv6 allocation held by a small Latin-American firm is a carrier; the same name without it is a company', () => {
    const lir = { ipv4Addresses: 1024, ipv4Ranges: 2, ipv6Prefix: 32, organisationAsns: 1 };
    expect(classify(1_000_001, 'Xyzzy Quux Ltda', lir)).toMatchObject({ networkClass: 'isp', trust: 'structure' });
    expect(classify(1_000_001, 'Xyzzy Quux Ltda', { ...lir, ipv6Prefix: 48 })).toMatchObject({ networkClass: 'business', trust: 'default' });
  });
});
