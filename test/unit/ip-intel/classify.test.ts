import { classify } from '../../../functions/shared/ip-intel/classify';

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

  test('a company trading under another name stays a business', () => {
    expect(classify(999008, 'Example Ltd trading as Example Shop').networkClass).toBe('business');
  });
});
