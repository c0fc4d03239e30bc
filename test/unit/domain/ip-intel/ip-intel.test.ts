import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIpData } from '../../../../scripts/build/ipdata';
import { InvalidNetworkError, isLeadClass, loadIpIntel, type IpIntel } from '../../../../functions/domain/ip-intel';

// Real ranges from the bundled @ip-location-db/asn data (found with grep); a data update may move small ranges,
// so the cases use large, long-held blocks.
let intel: IpIntel;

beforeAll(() => {
  // `npm test` runs the build in pretest; this keeps `npx jest` working on a fresh clone too.
  const { outDir } = buildIpData({ ifStale: true, log: () => undefined });
  intel = loadIpIntel(outDir);
}, 120_000);

describe('lookupOrganisation', () => {
  test('an SAP SE network is a business lead', () => {
    const match = intel.lookupOrganisation('130.214.5.0/24');

    expect(match).toEqual(
      expect.objectContaining({ asn: 35039, name: 'SAP SE', networkClass: 'business', network: '130.214.0.0/16' }),
    );
    expect(match?.confidence).toBe('high');
    expect(isLeadClass(match?.networkClass ?? 'unknown')).toBe(true);
  });

  test('a Siemens AG network is a business lead', () => {
    const match = intel.lookupOrganisation('139.23.204.0/24');

    expect(match).toEqual(
      expect.objectContaining({ asn: 15465, name: 'SIEMENS AG', networkClass: 'business', network: '139.23.204.0/22' }),
    );
    expect(isLeadClass(match?.networkClass ?? 'unknown')).toBe(true);
  });

  test('a Deutsche Telekom network is an ISP, not a lead', () => {
    const match = intel.lookupOrganisation('2.160.4.0/24');

    expect(match).toEqual(expect.objectContaining({ asn: 3320, name: 'Deutsche Telekom AG', networkClass: 'isp' }));
    expect(match?.reason).toMatch(/^curated: carrier/);
    expect(isLeadClass(match?.networkClass ?? 'unknown')).toBe(false);
  });

  test('an AWS network is hosting, not a lead', () => {
    const match = intel.lookupOrganisation('52.94.0.0/24');

    expect(match).toEqual(expect.objectContaining({ asn: 16509, networkClass: 'hosting' }));
    expect(isLeadClass(match?.networkClass ?? 'unknown')).toBe(false);
  });

  test('an IPv6 /48 of Deutsche Telekom is an ISP', () => {
    const match = intel.lookupOrganisation('2003:e1:1234::/48');

    expect(match).toEqual(expect.objectContaining({ asn: 3320, networkClass: 'isp', network: '2003::/23' }));
  });

  test('an IPv6 /48 of SAP SE is a business, its range given as first-last', () => {
    const match = intel.lookupOrganisation('2604:5e0:1000::/48');

    expect(match).toEqual(
      expect.objectContaining({
        asn: 35039,
        name: 'SAP SE',
        networkClass: 'business',
        network: '2604:5e0:1000::-2604:5e0:5fff:ffff:ffff:ffff:ffff:ffff',
        confidence: 'high',
      }),
    );
  });

  test('a single announced /24 matches with medium confidence', () => {
    expect(intel.lookupOrganisation('45.86.152.0/24')).toEqual(
      expect.objectContaining({ asn: 212794, name: 'SAP SE', network: '45.86.152.0/24', confidence: 'medium' }),
    );
  });

  test('a /24 split between two holders matches with low confidence and says so', () => {
    const match = intel.lookupOrganisation('38.96.169.0/24');

    expect(match?.confidence).toBe('low');
    expect(match?.reason).toMatch(/split between 2 organisations/);
  });

  test.each(['10.0.0.0/24', '0.0.0.0/24', '2001:db8:1::/48'])('unannounced network %s has no organisation', (net) => {
    expect(intel.lookupOrganisation(net)).toBeUndefined();
  });

  test('an untruncated address is refused without being echoed', () => {
    const lookup = (): unknown => intel.lookupOrganisation('139.23.204.17/24');

    expect(lookup).toThrow(InvalidNetworkError);
    expect(lookup).not.toThrow(/139\.23/);
  });
});

describe('locate', () => {
  test('a Siemens network in Germany', () => {
    expect(intel.locate('139.23.204.0/24').country).toBe('DE');
  });

  test('an IPv6 /48 of Deutsche Telekom in Germany', () => {
    expect(intel.locate('2003:e1:1234::/48').country).toBe('DE');
  });

  test('a private network is unknown (ZZ)', () => {
    expect(intel.locate('10.0.0.0/24')).toEqual({ country: 'ZZ' });
  });
});

describe('loadIpIntel', () => {
  test('names the build command when the artefact is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ipdata-'));
    try {
      expect(() => loadIpIntel(empty)).toThrow(/npm run build:ipdata/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
