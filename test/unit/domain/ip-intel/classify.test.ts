import { classify } from '../../../../functions/domain/ip-intel/classify';

describe('classify', () => {
  test.each([
    [3320, 'Deutsche Telekom AG', 'isp', /curated list: mobile\/fixed carrier/],
    [16509, 'Amazon.com, Inc.', 'hosting', /curated list: cloud/],
    [22616, 'ZSCALER, INC.', 'hosting', /security proxy/],
    [680, 'Verein zur Foerderung eines Deutschen Forschungsnetzes e.V.', 'education', /research and education/],
    [999001, 'Vodafone Magyarorszag Zrt.', 'isp', /carrier brand: \/vodafone\//],
    [999002, 'NetCom Telekommunikation GmbH', 'isp', /name pattern: \/telekom\//],
    [999003, 'Example Hosting B.V.', 'hosting', /name pattern: \/hosting\//],
    [999004, 'Technische Universitaet Muenchen', 'education', /name pattern: \/universit\//],
    [999005, 'Bundesministerium des Innern', 'government', /name pattern: \/bundesministerium\//],
    [999006, 'Jane Doe trading as Example Net', 'unknown', /natural person/],
    [999007, 'AS999007', 'unknown', /no organisation name/],
    [64512, 'Private Use', 'unknown', /reserved/],
    [35039, 'SAP SE', 'business', /no carrier, hosting or public-sector rule/],
    [1766, 'Exxon Mobil Corporation', 'business', /no carrier/],
  ])('AS%d %s -> %s', (asn, name, networkClass, reason) => {
    const result = classify(asn, name);

    expect(result.networkClass).toBe(networkClass);
    expect(result.reason).toMatch(reason);
  });

  test.each([
    // Carriers and clouds whose registered name has no carrier or hosting word: curated lists and brands.
    [39603, 'P4 Sp. z o.o.', 'isp', /curated list: mobile\/fixed carrier \(P4/],
    [719, 'RIPE Network Coordination Centre', 'isp', /curated list: mobile\/fixed carrier \(Elisa/],
    [999101, 'LG HelloVision Corp.', 'isp', /carrier brand: \/hellovision\//],
    [999102, 'Rackspace.com Hong Kong Limited', 'hosting', /cloud\/CDN brand: \/rackspace\//],
    // Carrier, hosting and public-sector words added for the long tail.
    [999103, 'Example Networks Pty Ltd', 'isp', /name pattern: \/networks\//],
    [999104, 'Sonic.net, LLC', 'isp', /name pattern: \/net\//],
    [999105, 'EXAMPLECLOUD LIMITED', 'hosting', /name pattern: \/cloud\//],
    [999106, 'Cyprus Telecommunications Authority', 'isp', /name pattern: \/telecom\//],
    [999107, 'Georgia Technology Authority', 'government', /name pattern: \/authority\//],
    [999108, 'Oslo kommune', 'government', /name pattern: \/kommune\//],
    [999109, 'Lawrence Livermore National Laboratory', 'education', /name pattern: \/national laborator\//],
    // Companies that keep their business class although their name has a carrier word.
    [999110, 'Juniper Networks, Inc.', 'business', /not a carrier despite its name/],
    [999111, 'ERICSSON TELECOMUNICACOES S.A.', 'business', /not a carrier despite its name/],
    [7726, 'FedEx Internet Technologies Corporation', 'business', /company network despite its name/],
    [999112, 'Prysmian Cables and Systems USA LLC', 'business', /no carrier, hosting or public-sector rule/],
    [999113, 'STUDENT AGENCY k.s.', 'business', /no carrier, hosting or public-sector rule/],
    [999114, 'Nomura Research Institute, Ltd.', 'business', /no carrier, hosting or public-sector rule/],
    // People and registries are not companies.
    [999115, 'Ivanov Vitaliy Sergeevich', 'unknown', /natural person/],
    [999116, 'Office of the Verkhovna Rada of Ukraine', 'government', /name pattern/],
    [999117, 'Japan Network Information Center', 'unknown', /internet registry/],
  ])('AS%d %s -> %s', (asn, name, networkClass, reason) => {
    const result = classify(asn, name);

    expect(result.networkClass).toBe(networkClass);
    expect(result.reason).toMatch(reason);
  });

  test('a company trading under another name stays a business', () => {
    expect(classify(999008, 'Example Ltd trading as Example Shop').networkClass).toBe('business');
  });
});
