import { randomUUID } from 'node:crypto';
import { DEFAULT_BEHAVIOUR_LIMITS, DEFAULT_RETENTION } from '../../../../functions/contracts/deployment-config';
import type { QueuedEvent } from '../../../../functions/contracts/queue-message';
import { applyRequests } from '../../../../functions/domain/leads/apply-requests';
import { leadIdFor, type StoredLead } from '../../../../functions/domain/leads/model';

const identified = {
  siteId: 'demo',
  leadId: leadIdFor('demo', 'asn:1'),
  organisation: { name: 'SAP SE', asn: 1 },
  match: { source: 'asn-registry' as const, confidence: 'high' as const, network: '193.16.0.0/16' },
  location: { country: 'DE' },
};
const START = Date.parse('2026-12-01T08:00:00.000Z');
const pageview = (path: string, seconds: number): QueuedEvent => ({ id: randomUUID(), type: 'pageview', path, occurredAt: new Date(START + seconds * 1000).toISOString() });

/** One request after the other, each applied to the lead the previous one left, as separate batches would. */
function replay(requests: QueuedEvent[][], visitorId = 'a'.repeat(64)) {
  let lead: StoredLead | undefined;
  const dropped: Record<string, number> = {};
  for (const events of requests) {
    const applied = applyRequests(lead, identified, [{ visitorId, network: '193.16.4.0/24', events }], DEFAULT_RETENTION);
    lead = applied.lead ?? lead;
    for (const [reason, count] of Object.entries(applied.dropped)) dropped[reason] = (dropped[reason] ?? 0) + (count ?? 0);
  }
  return { lead, dropped };
}

describe('behaviour limits', () => {
  it('a visitor-day past the page views a person makes feeds no lead from then on, across visits', () => {
    // 15 distinct pages every 20 seconds per request: visits end on their 200 pages, the day's count goes on.
    const requests = Array.from({ length: 24 }, (_, request) => Array.from({ length: 15 }, (__, page) => pageview(`/p${page}`, request * 20 + page)));
    const { lead, dropped } = replay(requests);

    expect(lead?.pageviews).toBe(DEFAULT_BEHAVIOUR_LIMITS.maxPageviewsPerVisitorDay);
    expect(dropped['bot-behaviour']).toBe(24 * 15 - DEFAULT_BEHAVIOUR_LIMITS.maxPageviewsPerVisitorDay);
    expect(Object.keys(lead?.blocked ?? {})).toEqual(['a'.repeat(12)]);
  });

  it('a block stored before visitor keys were 12 digits (16) still holds', () => {
    const { lead } = replay([[pageview('/a', 0)]], 'b'.repeat(64));
    const blockedBefore = { ...lead!, blocked: { ['a'.repeat(16)]: START / 1000 + 3600 } };
    const applied = applyRequests(blockedBefore, identified, [{ visitorId: 'a'.repeat(64), network: '193.16.4.0/24', events: [pageview('/b', 60)] }], DEFAULT_RETENTION);
    expect(applied.dropped['bot-behaviour']).toBe(1);
    expect(applied.lead).toBeUndefined();
  });

  it('other visitors of the organisation go on counting', () => {
    const { lead } = replay([[pageview('/a', 0)]], 'b'.repeat(64));
    expect(lead?.pageviews).toBe(1);
  });
});
