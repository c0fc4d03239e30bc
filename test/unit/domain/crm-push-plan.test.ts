import type { Lead, Visit } from '../../../functions/contracts/api/leads';
import { leadUrlOf, MAX_NOTES_PER_PUSH, meetsAutoPushRule, nextPushRecord, planCompanyPush } from '../../../functions/domain/crm/push-plan';

const lead: Lead = {
  leadId: 'l1',
  siteId: 'demo',
  organisation: { name: 'Vandebron B.V.', domain: 'vandebron.nl', asn: 1 },
  match: { source: 'asn-registry', confidence: 'high', network: '130.214.0.0/16' },
  location: { country: 'NL', city: 'Amsterdam' },
  firstSeenAt: '2026-12-01T09:00:00.000Z',
  lastSeenAt: '2026-12-04T10:00:00.000Z',
  visits: 3,
  pageviews: 7,
  engagedSeconds: 120,
  topPages: [{ path: '/pricing', views: 4 }],
  expiresAt: '2027-12-04T10:00:00.000Z',
} as Lead;
const visit = (visitId: string, startedAt: string): Visit =>
  ({ visitId, startedAt, endedAt: startedAt, referrer: 'https://www.google.com/', pages: [{ path: '/pricing', at: startedAt }], location: { country: 'NL', city: 'Amsterdam' } }) as Visit;

describe('what a push sends', () => {
  it('writes only the allow-listed fields, and the external id always', () => {
    const plan = planCompanyPush({ lead, visits: [], fields: ['visits'] });
    expect(plan.fields).toEqual({ visits: 3 });
    expect(plan.externalId).toBe('l1');
    expect(plan.notes).toEqual([]);
  });

  it('names and domains a company only when creating it, and targets a linked account as it is', () => {
    expect(planCompanyPush({ lead, visits: [], fields: [] }).target).toEqual({ kind: 'external-id', create: { name: 'Vandebron B.V.', domain: 'vandebron.nl' } });
    expect(planCompanyPush({ lead, visits: [], fields: [], record: { accountId: 'x', notedVisits: [] } }).target).toEqual({ kind: 'external-id' });
    expect(planCompanyPush({ lead, visits: [], fields: [], linkedAccountId: 'acc-9' }).target).toEqual({ kind: 'account', accountId: 'acc-9' });
  });

  it('notes each visit once, oldest first, at most MAX_NOTES_PER_PUSH at a time, with no network, city or person', () => {
    const visits = Array.from({ length: MAX_NOTES_PER_PUSH + 5 }, (_, i) => visit(`v${i}`, new Date(Date.UTC(2026, 11, 1, i)).toISOString()));
    const plan = planCompanyPush({ lead, visits, fields: ['visitNotes'], record: { notedVisits: ['v0'] } });
    expect(plan.notes).toHaveLength(MAX_NOTES_PER_PUSH);
    expect(plan.notes.map((note) => note.visitId)).not.toContain('v0');
    expect(plan.alreadyNoted).toBe(1);
    const text = plan.notes.map((note) => note.text).join('\n');
    expect(text).not.toMatch(/130\.214|Amsterdam|@/);
    expect(text).toContain('/pricing');
    const record = nextPushRecord({ notedVisits: ['v0'] }, 'acc', plan.notes.map((note) => note.visitId));
    expect(planCompanyPush({ lead, visits, fields: ['visitNotes'], record }).notes).toHaveLength(4);
  });

  it('fills the lead link template, and applies the auto-push rule', () => {
    expect(leadUrlOf('https://leads.example.com/#/{siteId}/{leadId}', 'demo', 'l1')).toBe('https://leads.example.com/#/demo/l1');
    expect(meetsAutoPushRule({ minVisits: 2, minPageviews: 5, statuses: ['none'] }, lead, 'none')).toBe(true);
    expect(meetsAutoPushRule({ minVisits: 2, minPageviews: 5, statuses: ['none'] }, lead, 'customer')).toBe(false);
    expect(meetsAutoPushRule({ minVisits: 2, minPageviews: 5, statuses: ['none'], countries: ['DE'] }, lead, 'none')).toBe(false);
  });
});
