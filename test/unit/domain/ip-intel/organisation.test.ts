import type { Evidence } from '../../../../functions/domain/ip-intel/classify';
import { organisationKey } from '../../../../functions/domain/ip-intel/names';
import { shareAcrossOrganisations, type OrganisationMember } from '../../../../functions/domain/ip-intel/organisation';

describe('organisationKey', () => {
  test.each([
    ['Deutsche Telekom AG', 'DEUTSCHE-TELEKOM', 'Deutsche Telekom'],
    ['Vodafone Magyarország Zrt.', 'Vodafone Magyarorszag', 'VODAFONE MAGYARORSZAG ZRT'],
    ['PT. NTT Indonesia', 'PT NTT Indonesia', 'NTT Indonesia'],
    ['Check Point Software Technologies Inc.', 'Check Point Software Technologies, Inc', 'CHECK POINT SOFTWARE TECHNOLOGIES LTD'],
    ['Cable & Wireless Panama S.A.', 'Cable and Wireless Panama', 'CABLE & WIRELESS PANAMA, S.A.'],
  ])('%s, %s and %s are one organisation', (a, b, c) => {
    expect(organisationKey(b)).toBe(organisationKey(a));
    expect(organisationKey(c)).toBe(organisationKey(a));
  });

  test.each([
    ['Infinity LTDA', 'Infinity Group sp. z o.o.'],
    ['R e R Informatica LTDA', 'Informatica LLC'],
    ['S-NET Sp. z o.o.', 'net.de AG'],
    ['INES Corporation.', 'iNES GROUP SRL'],
  ])('a common one-word name does not join %s and %s', (a, b) => {
    expect(organisationKey(a)).not.toBe(organisationKey(b));
  });

  test('one-word names join only when the registered names are the same', () => {
    expect(organisationKey('Oracle Corporation')).toBe(organisationKey('ORACLE CORPORATION'));
  });

  test('a name of nothing but legal forms is never grouped', () => {
    expect(organisationKey('Ltd.')).toBe('');
  });
});

describe('shareAcrossOrganisations', () => {
  const evidence = (networkClass: Evidence['networkClass'], trust: Evidence['trust'], reason: string = trust): Evidence => ({
    networkClass,
    trust,
    reason,
  });
  const member = (asn: number, key: string, e: Evidence, ipv4Addresses = 256): OrganisationMember => ({
    asn,
    key,
    ipv4Addresses,
    evidence: e,
  });

  test('an AS number the rules call a business takes the class an open list gives its sibling', () => {
    const result = shareAcrossOrganisations([
      member(1, 'examplehosting', evidence('hosting', 'open list', 'open list: X4B datacenter')),
      member(2, 'examplehosting', evidence('business', 'default')),
    ]);

    expect(result[1]).toEqual({
      networkClass: 'hosting',
      trust: 'organisation',
      reason: 'organisation: same as AS1 (open list: X4B datacenter)',
    });
  });

  test('a curated row, a brand or an open list about the AS number itself stays', () => {
    const result = shareAcrossOrganisations([
      member(1, 'bigtech', evidence('hosting', 'curated', 'curated: cloud'), 1_000_000),
      member(2, 'bigtech', evidence('business', 'curated', 'curated: corporate network')),
      member(3, 'bigtech', evidence('isp', 'brand', 'brand: carrier')),
    ]);

    expect(result.map((e) => e.networkClass)).toEqual(['hosting', 'business', 'isp']);
  });

  test('name rules are not shared: they speak about one registered name', () => {
    const result = shareAcrossOrganisations([
      member(1, 'acmetelecom', evidence('isp', 'name rule', 'name rule carrier word: /telecom/')),
      member(2, 'acmetelecom', evidence('business', 'default')),
    ]);

    expect(result[1]?.networkClass).toBe('business');
  });

  test('at equal trust the AS number holding the most IPv4 addresses speaks for the organisation', () => {
    const result = shareAcrossOrganisations([
      member(1, 'mixed', evidence('isp', 'curated', 'curated: carrier'), 1024),
      member(2, 'mixed', evidence('hosting', 'curated', 'curated: cloud'), 65536),
      member(3, 'mixed', evidence('business', 'default')),
    ]);

    expect(result[2]).toMatchObject({ networkClass: 'hosting', reason: 'organisation: same as AS2 (curated: cloud)' });
  });

  test('facts are never shared and names of only legal forms are never grouped', () => {
    const result = shareAcrossOrganisations([
      member(1, 'x', evidence('unknown', 'fact')),
      member(2, 'x', evidence('business', 'default')),
      member(3, '', evidence('hosting', 'open list')),
      member(4, '', evidence('business', 'default')),
    ]);

    expect(result.map((e) => e.networkClass)).toEqual(['unknown', 'business', 'hosting', 'business']);
  });
});
