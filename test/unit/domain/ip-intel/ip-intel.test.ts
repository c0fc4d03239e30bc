import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { buildIpData } from '../../../../scripts/build/ipdata';
import { InvalidNetworkError, isLeadClass, loadIpIntel, type IpIntel } from '../../../../functions/domain/ip-intel';

// Real ranges from the bundled @ip-location-db/asn data (found with grep); a data update may move small ranges,
// so the cases use large, long-held blocks.
let intel: IpIntel;
let dataDir: string;

beforeAll(() => {
  // `npm test` runs the build in pretest; this keeps `npx jest` working on a fresh clone too.
  const { outDir } = buildIpData({ ifStale: true, log: () => undefined });
  dataDir = outDir;
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

describe('classes decided at build time', () => {
  test('an iCloud Private Relay egress range is never a lead, and not hosting for the user\'s company', () => {
    // 140.248.0.0/23 is in Apple's published egress list, inside Fastly's space.
    const match = intel.lookupOrganisation('140.248.0.0/24');

    expect(match).toEqual(expect.objectContaining({ asn: 54113, networkClass: 'unknown' }));
    expect(match?.reason).toMatch(/^range: Apple iCloud Private Relay/);
  });

  test('the rest of the holder\'s space keeps the holder\'s class', () => {
    expect(intel.lookupOrganisation('151.101.1.0/24')).toEqual(expect.objectContaining({ asn: 54113, networkClass: 'hosting' }));
  });

  test('an AS number on an open hosting list is hosting, and says which list', () => {
    const match = intel.lookupOrganisation('23.226.224.0/24') // InMotion Hosting, AS3842;

    expect(match?.networkClass).toBe('hosting');
    expect(match?.reason).toMatch(/^open list: X4B datacenter/);
  });

  test('a mixed organisation: Microsoft\'s corporate network is a lead, its cloud is not', () => {
    expect(intel.lookupOrganisation('131.107.1.0/24')).toEqual(expect.objectContaining({ asn: 3598, networkClass: 'business' }));
    expect(intel.lookupOrganisation('20.33.1.0/24')).toEqual(expect.objectContaining({ asn: 8075, networkClass: 'hosting' }));
  });

  test('ATTRIBUTION.txt carries the notices and licences of the open lists', () => {
    const text = readFileSync(join(dataDir, 'ATTRIBUTION.txt'), 'utf8');

    expect(text).toContain('Copyright (c) 2024 X4B (Mathew Heard), MIT License.');
    expect(text).toContain('Copyright (c) 2025 Brian Hamachek, MIT License.');
    expect(text).toContain('Permission is hereby granted, free of charge');
  });

  test('the Lambda\'s lookup code does not import the build-time rules (they would only slow the cold start)', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^import (?!type)[^'"]*['"](\.[^'"]+)['"]/gm)) {
        visit(join(dirname(file), `${spec}.ts`));
      }
    };
    visit(join(__dirname, '..', '..', '..', '..', 'functions', 'domain', 'ip-intel', 'index.ts'));

    expect([...seen].map((f) => basename(f))).not.toEqual(expect.arrayContaining(['classify.ts']));
    expect([...seen].map((f) => basename(f))).not.toEqual(expect.arrayContaining(['names.ts']));
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
