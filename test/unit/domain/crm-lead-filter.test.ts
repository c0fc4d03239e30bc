import type { CrmLeadView } from '../../../functions/contracts/api/crm-lead';
import { keptByCrmFilter } from '../../../functions/domain/crm/lead-filter';

const account = (status: CrmLeadView['status']): CrmLeadView => ({
  provider: 'hubspot',
  accountId: '42',
  name: 'Acme GmbH',
  url: 'https://app-eu1.hubspot.com/contacts/1/record/0-2/42',
  status,
  matchedBy: 'domain',
});

describe('the leads list filter on the CRM account', () => {
  it('keeps a lead by its account status, by having any account, or by having none', () => {
    expect(keptByCrmFilter('customer', account('customer'))).toBe(true);
    expect(keptByCrmFilter('customer', account('open-deal'))).toBe(false);
    expect(keptByCrmFilter('open-deal', account('open-deal'))).toBe(true);
    expect(keptByCrmFilter('known', account('customer'))).toBe(false);
    expect(keptByCrmFilter('any', account('known'))).toBe(true);
    expect(keptByCrmFilter('any', undefined)).toBe(false);
    expect(keptByCrmFilter('none', undefined)).toBe(true);
    expect(keptByCrmFilter('none', account('known'))).toBe(false);
    expect(keptByCrmFilter('customer', undefined)).toBe(false);
  });
});
