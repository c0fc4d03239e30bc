import { randomUUID } from 'node:crypto';
import type { TrackedEvent } from '../../functions/shared/api-schemas';
import { DEFAULT_RETENTION } from '../../functions/shared/config';
import { applyEvents, applyRequests, eventKey, leadIdFor, MAX_TRACKED_PATHS, toLead, visitFromItem } from '../../functions/shared/leads/aggregate';

const identified = {
  siteId: 'demo',
  leadId: leadIdFor('demo', 'asn:1'),
  organisation: { name: 'SAP SE', asn: 1 },
  match: { source: 'asn-registry' as const, confidence: 'high' as const, network: '193.16.0.0/16' },
  location: { country: 'DE' },
};
const VISITOR = 'a'.repeat(64);

const pageview = (url: string, occurredAt: string, extra: Partial<TrackedEvent> = {}): TrackedEvent =>
  ({ id: randomUUID(), type: 'pageview', url, occurredAt, ...extra }) as TrackedEvent;

describe('applyEvents', () => {
  it('creates a lead and a visit from the first page views', () => {
    const { lead, visit } = applyEvents(undefined, identified, VISITOR, [
      pageview('https://www.example.com/pricing', '2026-11-25T10:00:00.000Z', { referrer: 'https://www.google.com/search?q=jane' }),
      pageview('https://www.example.com/', '2026-11-25T10:01:00.000Z'),
    ], DEFAULT_RETENTION);

    expect(lead).toMatchObject({ visits: 1, pageviews: 2, firstSeenAt: '2026-11-25T10:00:00.000Z', lastSeenAt: '2026-11-25T10:01:00.000Z', version: 1 });
    expect(visit).toMatchObject({ isNew: true, startedAt: '2026-11-25T10:00:00.000Z', endedAt: '2026-11-25T10:01:00.000Z', referrer: 'https://www.google.com/search' });
    expect(Object.values(visit.newPages).map((page) => page.path)).toEqual(['/pricing', '/']);
  });

  it('keeps paths only: query strings and fragments may carry personal data', () => {
    const { visit, lead } = applyEvents(undefined, identified, VISITOR, [
      pageview('https://www.example.com/signup?email=jane@example.com#step2', '2026-11-25T10:00:00.000Z'),
    ], DEFAULT_RETENTION);
    expect(Object.values(visit.newPages)[0]?.path).toBe('/signup');
    expect(JSON.stringify({ visit, lead })).not.toContain('jane');
  });

  it('continues the visit within 30 minutes and starts a new one after', () => {
    const first = applyEvents(undefined, identified, VISITOR, [pageview('https://e.com/a', '2026-11-25T10:00:00.000Z')], DEFAULT_RETENTION);
    const second = applyEvents(first.lead, identified, VISITOR, [pageview('https://e.com/b', '2026-11-25T10:29:00.000Z')], DEFAULT_RETENTION);
    const third = applyEvents(second.lead, identified, VISITOR, [pageview('https://e.com/c', '2026-11-25T11:00:00.000Z')], DEFAULT_RETENTION);

    expect(second.visit.visitId).toBe(first.visit.visitId);
    expect(second.visit.isNew).toBe(false);
    expect(third.visit.visitId).not.toBe(first.visit.visitId);
    expect(third.lead).toMatchObject({ visits: 2, pageviews: 3 });
  });

  it('counts another visitor of the same organisation as another visit', () => {
    const first = applyEvents(undefined, identified, VISITOR, [pageview('https://e.com/a', '2026-11-25T10:00:00.000Z')], DEFAULT_RETENTION);
    const other = applyEvents(first.lead, identified, 'b'.repeat(64), [pageview('https://e.com/a', '2026-11-25T10:01:00.000Z')], DEFAULT_RETENTION);
    expect(other.lead.visits).toBe(2);
    expect(toLead(other.lead).topPages).toEqual([{ path: '/a', views: 2 }]);
  });

  it('adds engagement time without counting a page view', () => {
    const { lead } = applyEvents(undefined, identified, VISITOR, [
      { id: randomUUID(), type: 'engagement', url: 'https://e.com/a', engagedMs: 12_400, occurredAt: '2026-11-25T10:00:00.000Z' },
    ], DEFAULT_RETENTION);
    expect(toLead(lead)).toMatchObject({ pageviews: 0, engagedSeconds: 12 });
  });

  it('expires the lead 13 months after it was last seen and the visit 90 days after it ended', () => {
    const { lead, visit } = applyEvents(undefined, identified, VISITOR, [pageview('https://e.com/a', '2026-11-25T10:00:00.000Z')], DEFAULT_RETENTION);
    const seen = Date.parse('2026-11-25T10:00:00.000Z') / 1000;
    expect(lead.expiresAt).toBe(seen + 396 * 86_400);
    expect(visit.expiresAt).toBe(seen + 90 * 86_400);
    expect(toLead(lead).expiresAt).toBe(new Date((seen + 396 * 86_400) * 1000).toISOString());
  });

  it('bounds the number of tracked paths, keeping the most viewed', () => {
    let lead = applyEvents(undefined, identified, VISITOR, [pageview('https://e.com/popular', '2026-11-25T10:00:00.000Z')], DEFAULT_RETENTION).lead;
    lead = applyEvents(lead, identified, VISITOR, [pageview('https://e.com/popular', '2026-11-25T10:00:01.000Z')], DEFAULT_RETENTION).lead;
    for (let i = 0; i < MAX_TRACKED_PATHS + 20; i++) {
      lead = applyEvents(lead, identified, `${i}`.padStart(64, '0'), [pageview(`https://e.com/p${i}`, '2026-11-25T10:00:02.000Z')], DEFAULT_RETENTION).lead;
    }
    expect(Object.keys(lead.pageCounts)).toHaveLength(MAX_TRACKED_PATHS);
    expect(toLead(lead).topPages[0]).toEqual({ path: '/popular', views: 2 });
  });

  it('derives the same lead id for the same site and organisation only', () => {
    expect(leadIdFor('demo', 'asn:1')).toBe(leadIdFor('demo', 'asn:1'));
    expect(leadIdFor('demo', 'asn:1')).not.toBe(leadIdFor('other', 'asn:1'));
    expect(leadIdFor('demo', 'asn:1')).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('applyRequests', () => {
  const at = (minute: number) => `2026-11-25T10:${String(minute).padStart(2, '0')}:00.000Z`;

  it('skips events the lead has applied already, from an earlier delivery or twice in one batch', () => {
    const a = pageview('https://e.com/a', at(0));
    const b = pageview('https://e.com/b', at(1));
    const first = applyRequests(undefined, identified, [{ visitorId: VISITOR, events: [a] }], DEFAULT_RETENTION);
    const again = applyRequests(first.lead, identified, [{ visitorId: VISITOR, events: [a, b] }, { visitorId: VISITOR, events: [b] }], DEFAULT_RETENTION);

    expect(first).toMatchObject({ applied: 1, duplicates: 0 });
    expect(again).toMatchObject({ applied: 1, duplicates: 2 });
    expect(again.lead).toMatchObject({ pageviews: 2, visits: 1 });
    expect(again.visits.map((visit) => Object.values(visit.newPages).map((page) => page.path))).toEqual([['/b']]);
  });

  it('returns no lead to write when every event was a duplicate', () => {
    const a = pageview('https://e.com/a', at(0));
    const first = applyRequests(undefined, identified, [{ visitorId: VISITOR, events: [a] }], DEFAULT_RETENTION);
    expect(applyRequests(first.lead, identified, [{ visitorId: VISITOR, events: [a] }], DEFAULT_RETENTION)).toEqual({ visits: [], applied: 0, duplicates: 1 });
  });

  it('merges several requests of one visit into one visit change, in event order whatever the batch order', () => {
    const late = pageview('https://e.com/late', at(5));
    const early = pageview('https://e.com/early', at(0));
    const { lead, visits } = applyRequests(undefined, identified, [{ visitorId: VISITOR, events: [late] }, { visitorId: VISITOR, events: [early] }], DEFAULT_RETENTION);

    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({ isNew: true, startedAt: at(0), endedAt: at(5) });
    expect(Object.keys(visits[0]?.newPages ?? {}).sort()).toEqual([eventKey(early.id), eventKey(late.id)].sort());
    expect(lead).toMatchObject({ visits: 1, pageviews: 2, firstSeenAt: at(0), lastSeenAt: at(5) });
  });

  it('keeps event keys only while the visit is open', () => {
    const first = applyRequests(undefined, identified, [{ visitorId: VISITOR, events: [pageview('https://e.com/a', at(0))] }], DEFAULT_RETENTION);
    const later = applyRequests(first.lead, identified, [{ visitorId: 'b'.repeat(64), events: [pageview('https://e.com/b', '2026-11-25T11:00:00.000Z')] }], DEFAULT_RETENTION);
    expect(Object.keys(later.lead?.activeVisits ?? {})).toEqual(['b'.repeat(64)]);
  });
});

describe('visitFromItem', () => {
  it('orders pages by time and derives start, end and engagement from the entries', () => {
    const visit = visitFromItem({
      visitId: 'v1',
      visitorId: VISITOR,
      location: { country: 'DE' },
      pages: { k2: { path: '/b', at: '2026-11-25T10:02:00.000Z' }, k1: { path: '/a', title: 'A', at: '2026-11-25T10:00:00.000Z' } },
      engagement: { k3: { ms: 4000, at: '2026-11-25T10:05:00.000Z' }, k4: { ms: 500, at: '2026-11-25T10:01:00.000Z' } },
    });
    expect(visit).toEqual({
      visitId: 'v1',
      visitorId: VISITOR,
      location: { country: 'DE' },
      startedAt: '2026-11-25T10:00:00.000Z',
      endedAt: '2026-11-25T10:05:00.000Z',
      pages: [{ path: '/a', title: 'A', at: '2026-11-25T10:00:00.000Z' }, { path: '/b', at: '2026-11-25T10:02:00.000Z' }],
      engagedMs: 4500,
    });
  });
});
