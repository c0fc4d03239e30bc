import { LEAD_CHANGE_FILTER } from '../../../functions/contracts/functions';
import { matchesFilter } from '../../../local/event-filter';

describe('the local event filter (Lambda FilterCriteria, exact values)', () => {
  const record = (eventName: string, sk: string) => ({ eventName, dynamodb: { Keys: { pk: { S: 'SITE#demo#LEAD#x' }, sk: { S: sk } } } });

  it('admits the creation and change of a lead item only', () => {
    expect(matchesFilter(LEAD_CHANGE_FILTER, record('INSERT', 'LEAD'))).toBe(true);
    expect(matchesFilter(LEAD_CHANGE_FILTER, record('MODIFY', 'LEAD'))).toBe(true);
    expect(matchesFilter(LEAD_CHANGE_FILTER, record('REMOVE', 'LEAD'))).toBe(false);
    expect(matchesFilter(LEAD_CHANGE_FILTER, record('INSERT', 'VISIT#a#b'))).toBe(false);
    expect(matchesFilter(LEAD_CHANGE_FILTER, { eventName: 'INSERT' })).toBe(false);
  });

  it('refuses pattern syntax it does not implement rather than ignoring it', () => {
    expect(() => matchesFilter({ eventName: [{ prefix: 'IN' }] }, record('INSERT', 'LEAD'))).toThrow();
  });
});
