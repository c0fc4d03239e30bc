import { createHash, randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { QueuedEvent } from '../../../../functions/contracts/queue-message';
import { DEFAULT_RETENTION } from '../../../../functions/contracts/deployment-config';
import { storedLeadItem } from '../../../../functions/adapters/dynamodb/lead-item';
import { applyRequests } from '../../../../functions/domain/leads/apply-requests';
import {
  eventKeyCount,
  leadIdFor,
  MAX_EVENT_KEYS_PER_VISIT,
  MAX_OPEN_EVENT_KEYS,
  MAX_OPEN_VISITS,
  type StoredLead,
} from '../../../../functions/domain/leads/model';
import { leadItemFor } from '../../../../functions/domain/leads/listing';
import { openVisits } from '../../../../functions/domain/leads/open-visits';
import { itemSize } from '../../../../scripts/bench/capacity-units';

/** The visitor's truncated network, as the ingest function queues it. */
const NETWORK = '193.16.4.0/24';

/**
 * Whatever a hostile client sends, one lead item stays small: far below DynamoDB's 400 KB item limit and cheap to
 * write (a write is billed per started KB). The floods below are those an outside review replayed against 0.1,
 * which took one lead past 400 KB.
 */

const LEAD_ITEM_BOUND_BYTES = 32 * 1024;
const identified = {
  siteId: 'demo',
  leadId: leadIdFor('demo', 'asn:1'),
  // The longest name the data or an override can give.
  organisation: { name: 'N'.repeat(200), asn: 1 },
  match: { source: 'asn-registry' as const, confidence: 'high' as const, network: '193.16.0.0/16' },
  location: { country: 'DE', region: 'R'.repeat(60), city: 'C'.repeat(60) },
};
const START = Date.parse('2026-12-01T10:00:00.000Z');
const at = (seconds: number) => new Date(START + seconds * 1000).toISOString();
const event = (type: QueuedEvent['type'], seconds: number, path = '/'): QueuedEvent =>
  ({
    id: randomUUID(),
    type,
    path,
    occurredAt: at(seconds),
    ...(type === 'engagement' ? { engagedMs: 1000 } : {}),
    ...(type === 'form' ? { emailDomain: 'example.com' } : {}),
  }) as QueuedEvent;

/** The lead as the table stores it, with its keys, in DynamoDB's own size accounting. */
const storedSize = (lead: StoredLead) => itemSize(marshall(storedLeadItem(leadItemFor(lead, undefined).item)) as never);

function flood(requests: ReadonlyArray<{ visitorId: string; events: QueuedEvent[] }>): { lead: StoredLead; overLimit: number } {
  let lead: StoredLead | undefined;
  let overLimit = 0;
  // One request per batch, as a flood spread over time would arrive: the worst case for the lead's growth.
  for (const request of requests) {
    const applied = applyRequests(lead, identified, [{ ...request, network: NETWORK }], DEFAULT_RETENTION);
    lead = applied.lead ?? lead;
    overLimit += applied.dropped['visit-limit'] ?? 0;
  }
  if (!lead) throw new Error('no lead');
  return { lead, overLimit };
}

describe('bounds on a lead item', () => {
  it('one visitor sending a form and 24 engagement events 1,500 times keeps one lead under 32 KB', () => {
    const requests = Array.from({ length: 1500 }, (_, index) => ({
      visitorId: 'a'.repeat(64),
      events: [event('form', index), ...Array.from({ length: 24 }, () => event('engagement', index))],
    }));
    const { lead, overLimit } = flood(requests);

    expect(storedSize(lead)).toBeLessThan(LEAD_ITEM_BOUND_BYTES);
    expect(Object.values(openVisits(lead)).every((visit) => eventKeyCount(visit) <= MAX_EVENT_KEYS_PER_VISIT)).toBe(true);
    // What the full visit could not take was dropped and counted, not stored.
    expect(overLimit).toBe(1500 * 25 - MAX_EVENT_KEYS_PER_VISIT);
  });

  it('thousands of visitors (a new User-Agent each) keep at most the bounded open visits', () => {
    const requests = Array.from({ length: 3000 }, (_, index) => ({
      // A distinct visitor each, as their pseudonyms would be.
      visitorId: createHash('sha256').update(String(index)).digest('hex'),
      events: [event('pageview', index / 10, `/${'p'.repeat(500)}${index % 40}`), ...Array.from({ length: 24 }, () => event('engagement', index / 10))],
    }));
    const { lead } = flood(requests);

    expect(storedSize(lead)).toBeLessThan(LEAD_ITEM_BOUND_BYTES);
    expect(Object.keys(openVisits(lead)).length).toBeLessThanOrEqual(MAX_OPEN_VISITS);
    expect(Object.values(openVisits(lead)).reduce((sum, visit) => sum + eventKeyCount(visit), 0)).toBeLessThanOrEqual(MAX_OPEN_EVENT_KEYS);
    expect(lead.pageviews).toBe(3000);
  });

  it('a long visit of page views goes on in a next visit once full, counting every page view', () => {
    // 280 page views: past the first visit's 200 event keys, within the visitor-day's 300 page views.
    const requests = Array.from({ length: 280 }, (_, index) => ({
      visitorId: 'b'.repeat(64),
      events: [event('pageview', index * 2, `/page-${index}`), event('engagement', index * 2 + 1)],
    }));
    const { lead, overLimit } = flood(requests);

    expect(overLimit).toBe(0);
    expect(lead.pageviews).toBe(280);
    expect(lead.visits).toBe(Math.ceil((280 * 2) / MAX_EVENT_KEYS_PER_VISIT));
    expect(storedSize(lead)).toBeLessThan(LEAD_ITEM_BOUND_BYTES);
  });
});
