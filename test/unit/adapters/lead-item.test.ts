import { leadItemFrom, storedLeadItem } from '../../../functions/adapters/dynamodb/lead-item';
import { keys, leadKeyParts } from '../../../functions/contracts/table';
import type { LeadItem } from '../../../functions/domain/leads/listing';

const item: LeadItem = {
  siteId: 'demo',
  leadId: '057d0fb85d5b77167c45fc62',
  organisation: { name: 'TE Connectivity Corporation', asn: 3585 },
  match: { source: 'asn-registry', confidence: 'high', network: '148.174.0.0/16', class: 'business' },
  location: { country: 'US' },
  firstSeenAt: '2026-12-05T11:51:31.949Z',
  lastSeenAt: '2026-12-05T11:52:01.000Z',
  visits: 1,
  pageviews: 2,
  engagedMs: 1600,
  pageCounts: { '/': 2 },
  version: 3,
  expiresAt: 1_830_685_891,
};

describe('a lead item as the table stores it', () => {
  it('leaves out the site, the lead and the listed last-seen time, which its keys hold', () => {
    const stored = storedLeadItem(item);
    expect(stored).toMatchObject({ ...keys.lead('demo', item.leadId), ...keys.leadIndex('demo', item.lastSeenAt, item.leadId) });
    expect(stored).not.toHaveProperty('siteId');
    expect(stored).not.toHaveProperty('leadId');
    expect(stored).not.toHaveProperty('lastSeenAt');
    expect(leadItemFrom(stored)).toEqual(item);
  });

  it('reads items written before, which hold them too, and index entries, which hold the same keys', () => {
    const before = { ...keys.lead('demo', item.leadId), ...keys.leadIndex('demo', item.lastSeenAt, item.leadId), ...item };
    expect(leadItemFrom(before)).toEqual(item);
    const { sk: _sk, ...entry } = storedLeadItem(item);
    expect(leadItemFrom(entry)).toEqual(item);
  });

  it('refuses an item whose keys are not a lead’s', () => {
    expect(() => leadItemFrom({ pk: 'SITE#demo#AUDIT', gsi1sk: `${item.lastSeenAt}#${item.leadId}` })).toThrow('Not a lead item');
    expect(() => leadItemFrom({ pk: keys.lead('demo', item.leadId).pk })).toThrow('Not a lead item');
    expect(leadKeyParts(keys.lead('demo', 'a').pk, `${item.lastSeenAt}#b`)).toBeUndefined();
  });
});
