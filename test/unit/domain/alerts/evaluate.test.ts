import type { AlertRule } from '../../../../functions/contracts/api/alerts';
import { AlertRuleRequestSchema } from '../../../../functions/contracts/api/alerts';
import { candidateRules, matchesActivity } from '../../../../functions/domain/alerts/evaluate';
import { leadChange } from '../../../../functions/domain/alerts/lead-change';
import { matchesAnyPath } from '../../../../functions/domain/alerts/path-patterns';
import { exampleLead } from '../../../../functions/domain/alerts/payload';
import type { StoredLead } from '../../../../functions/domain/leads/model';

const NOW = new Date('2026-12-04T10:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const rule = (request: Record<string, unknown>): AlertRule => ({
  ...AlertRuleRequestSchema.parse({ name: 'r', endpointIds: ['e1'], ...request }),
  ruleId: 'r1',
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
});
const lead = (changes: Partial<StoredLead> = {}): StoredLead => ({ ...exampleLead('demo', NOW), ...changes });

describe('alert rules on a lead change', () => {
  const first = leadChange(undefined, lead({ lastPaths: ['/pricing'] }), nowSeconds);

  it('fires "visited /pricing, from Germany, not a customer" on the first page view of a German organisation', () => {
    const pricing = rule({ conditions: { paths: ['/pricing'], countries: ['de'], crmStatus: ['unknown', 'open-deal'] } });
    expect(candidateRules([pricing], first)).toEqual([pricing]);
  });

  it('does not fire for another country, another path, a customer, a lower confidence or another class', () => {
    const rules = [
      rule({ conditions: { countries: ['FR'] } }),
      rule({ conditions: { paths: ['/careers/**'] } }),
      rule({ conditions: { crmStatus: ['open-deal', 'unknown'] } }),
      rule({ conditions: { organisationClasses: ['education'] } }),
    ];
    expect(candidateRules(rules.slice(0, 2), first)).toEqual([]);
    expect(candidateRules([rules[2] as AlertRule], first, 'customer')).toEqual([]);
    expect(candidateRules([rules[2] as AlertRule], first, 'known')).toEqual([]);
    expect(candidateRules([rules[2] as AlertRule], first, 'open-deal')).toEqual([rules[2]]);
    expect(candidateRules([rules[3] as AlertRule], first)).toEqual([]);
    const low = leadChange(undefined, lead({ match: { source: 'form-domain', confidence: 'low', network: '192.0.2.0/24' } }), nowSeconds);
    expect(candidateRules([rule({ conditions: { minConfidence: 'medium' } })], low)).toEqual([]);
  });

  it('tells new from returning organisations, and ignores a write that added no page view', () => {
    const before = lead({ visits: 1, pageviews: 2 });
    const returning = leadChange(before, lead({ visits: 2, pageviews: 3 }), nowSeconds);
    const engagementOnly = leadChange(before, lead({ visits: 1, pageviews: 2 }), nowSeconds);
    expect(candidateRules([rule({ trigger: 'returning-organisation' })], returning)).toHaveLength(1);
    expect(candidateRules([rule({ trigger: 'new-organisation' })], returning)).toHaveLength(0);
    expect(candidateRules([rule({ trigger: 'pageview' })], engagementOnly)).toHaveLength(0);
    // A lead that had expired counts as new again.
    const expired = leadChange({ ...before, expiresAt: nowSeconds - 1 }, lead({ visits: 2, pageviews: 3 }), nowSeconds);
    expect(expired.newOrganisation).toBe(true);
  });

  it('skips disabled rules and checks activity in the window', () => {
    expect(candidateRules([rule({ enabled: false })], first)).toEqual([]);
    const conditions = rule({ conditions: { activity: { pageviews: 5, withinHours: 24 } } }).conditions;
    expect(matchesActivity(conditions, { pageviews: 4, visits: 1 })).toBe(false);
    expect(matchesActivity(conditions, { pageviews: 5, visits: 1 })).toBe(true);
    expect(matchesActivity(conditions, undefined)).toBe(false);
  });

  it('matches path patterns: exact, one segment, any depth; trailing slashes alike', () => {
    expect(matchesAnyPath(['/pricing'], ['/pricing/'])).toBe(true);
    expect(matchesAnyPath(['/pricing/*'], ['/pricing/teams'])).toBe(true);
    expect(matchesAnyPath(['/pricing/*'], ['/pricing/teams/large'])).toBe(false);
    expect(matchesAnyPath(['/docs/**'], ['/docs/a/b/c'])).toBe(true);
    expect(matchesAnyPath(['/a.b'], ['/aXb'])).toBe(false);
  });
});
