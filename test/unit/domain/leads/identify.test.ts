import { randomUUID } from 'node:crypto';
import type { QueuedEvent } from '../../../../functions/contracts/queue-message';
import { IpOverridesSchema, type LeadClass } from '../../../../functions/contracts/deployment-config';
import { FormDomainFilter } from '../../../../functions/domain/form-domain';
import { loadIpIntel, type IpIntel } from '../../../../functions/domain/ip-intel';
import { IpOverrideRules } from '../../../../functions/domain/ip-overrides';
import { identify } from '../../../../functions/domain/leads/identify';
import { buildIpData } from '../../../../scripts/build/ipdata';

/** Real networks from the bundled data (see node_modules/@ip-location-db/asn/asn-ipv4.csv). */
const SAP = '130.214.10.0/24'; // SAP SE, AS35039
const TELEKOM = '80.128.10.0/24'; // Deutsche Telekom AG, AS3320
const AWS = '52.95.120.0/24'; // Amazon, AS16509

let ipIntel: IpIntel;
let formDomains: FormDomainFilter;
beforeAll(() => {
  const { outDir } = buildIpData({ ifStale: true, log: () => undefined });
  ipIntel = loadIpIntel(outDir);
  formDomains = new FormDomainFilter(outDir);
});

const pageview: QueuedEvent = { id: randomUUID(), type: 'pageview', path: '/', occurredAt: '2026-11-25T10:00:00.000Z' };
const form = (emailDomain: string): QueuedEvent => ({ id: randomUUID(), type: 'form', path: '/contact', emailDomain, occurredAt: '2026-11-25T10:00:00.000Z' });

function run(network: string, events: QueuedEvent[] = [pageview], options: { overrides?: unknown; leadClasses?: LeadClass[]; fromSiteOrigin?: boolean } = {}) {
  const overrides = new IpOverrideRules(IpOverridesSchema.parse(options.overrides ?? {}));
  return identify(
    { ipIntel, overrides, formDomains, leadClasses: options.leadClasses ?? ['business'] },
    { siteId: 'demo', network, events, fromSiteOrigin: options.fromSiteOrigin ?? true },
  );
}

describe('identify', () => {
  it('names a company from its own address space, and says why', () => {
    const result = run(SAP);
    expect(result).toMatchObject({
      kind: 'lead',
      lead: { organisation: { name: 'SAP SE', asn: 35039 }, match: { source: 'asn-registry', confidence: 'high' }, location: { country: 'DE' } },
    });
  });

  it.each([
    [TELEKOM, 'isp'],
    [AWS, 'hosting'],
  ])('drops %s as %s', (network, reason) => {
    expect(run(network)).toEqual({ kind: 'dropped', reason });
  });

  it('names the organisation of a home-office visitor from a business form domain', () => {
    const result = run(TELEKOM, [pageview, form('Siemens.com')]);
    expect(result).toMatchObject({
      kind: 'lead',
      lead: {
        organisation: { name: 'siemens.com', domain: 'siemens.com' },
        match: { source: 'form-domain', confidence: 'low', network: TELEKOM, reason: 'domain typed by the visitor into a form; not verified' },
      },
      formDomain: 'siemens.com',
    });
  });

  it('takes no typed domain from a request without the site’s Origin (a script, not a browser on the site)', () => {
    expect(run(TELEKOM, [pageview, form('siemens.com')], { fromSiteOrigin: false })).toEqual({ kind: 'dropped', reason: 'isp' });
  });

  it('takes no typed domain without a page view in the same request', () => {
    expect(run(TELEKOM, [form('siemens.com')])).toEqual({ kind: 'dropped', reason: 'isp' });
  });

  it.each(['gmail.com', 'gmx.de', 'web.de', 'mailinator.com', 'not a domain'])('ignores the free-mail or disposable domain %s', (domain) => {
    expect(run(TELEKOM, [form(domain)])).toEqual({ kind: 'dropped', reason: 'isp' });
  });

  it('prefers the network’s organisation over a form domain', () => {
    const result = run(SAP, [form('partner.example')]);
    expect(result.kind === 'lead' && result.lead.match.source).toBe('asn-registry');
  });

  it('lets a customer override win over the data', () => {
    const overrides = { organisations: [{ network: '80.128.0.0/16', name: 'Our Partner GmbH', domain: 'partner.example' }] };
    expect(run(TELEKOM, [pageview], { overrides })).toMatchObject({
      kind: 'lead',
      lead: { organisation: { name: 'Our Partner GmbH', domain: 'partner.example' }, match: { source: 'override', confidence: 'high', network: '80.128.0.0/16' } },
    });
  });

  it('marks an override smaller than the truncated network as a partial match', () => {
    const overrides = { organisations: [{ network: '80.128.10.64/26', name: 'Small Office' }] };
    expect(run(TELEKOM, [pageview], { overrides })).toMatchObject({ lead: { match: { source: 'override', confidence: 'medium' } } });
  });

  it('turns education networks into leads only where the site asks for them', () => {
    const university = '129.27.200.0/24'; // Technische Universitaet Graz, AS1113
    const asBusinessOnly = run(university);
    const withEducation = run(university, [pageview], { leadClasses: ['business', 'education'] });
    expect(asBusinessOnly).toEqual({ kind: 'dropped', reason: 'education' });
    expect(withEducation.kind).toBe('lead');
  });

  it('drops networks nobody announces', () => {
    expect(run('0.0.0.0/24')).toEqual({ kind: 'dropped', reason: 'unknown-network' });
  });
});

describe('FormDomainFilter', () => {
  it.each([
    ['sap.com', 'sap.com'],
    ['SAP.COM.', 'sap.com'],
    ['mail.gmx.de', undefined],
    ['yahoo.co.uk', undefined],
    ['x', undefined],
  ])('%s → %s', (input, expected) => {
    expect(formDomains.businessDomain(input)).toBe(expected);
  });
});
