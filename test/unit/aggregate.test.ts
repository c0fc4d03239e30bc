import { randomUUID } from 'node:crypto';
import type { TrackedEvent } from '../../functions/shared/api-schemas';
import { DEFAULT_RETENTION } from '../../functions/shared/config';
import { applyEvents, leadIdFor, MAX_TRACKED_PATHS, toLead } from '../../functions/shared/leads/aggregate';

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
    expect(visit.newPages.map((page) => page.path)).toEqual(['/pricing', '/']);
  });

  it('keeps paths only: query strings and fragments may carry personal data', () => {
    const { visit, lead } = applyEvents(undefined, identified, VISITOR, [
      pageview('https://www.example.com/signup?email=jane@example.com#step2', '2026-11-25T10:00:00.000Z'),
    ], DEFAULT_RETENTION);
    expect(visit.newPages[0]?.path).toBe('/signup');
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
